"""Training curves plotted from mmengine's ``vis_data/scalars.json`` logs
(read by :mod:`segnet_mm.analysis.run_logs`)."""
from pathlib import Path
from typing import Dict, Sequence

from matplotlib import colormaps
from matplotlib.figure import Figure

from ..analysis.run_logs import Series, load_run
from ..utils.typing_utils import PathLike


def run_label(path: PathLike) -> str:
    """``WORK_DIR/TIMESTAMP`` for ``WORK_DIR/TIMESTAMP/vis_data/scalars.json``,
    else the path itself."""
    path = Path(path)
    if path.parent.name == 'vis_data':
        return str(path.parent.parent)
    return str(path)


def plot_curves(paths: Sequence[PathLike], keys: Sequence[str],
                out_file: PathLike) -> Dict[str, Dict[str, Series]]:
    """Plot ``keys`` against the iteration, one panel per key and one line
    per log file, and save the figure (PNG, PDF ... by suffix).

    Args:
        paths (Sequence[str | Path]): ``scalars.json`` files or work dirs
            (one line per work dir, its resumed pieces joined).
        keys (Sequence[str]): Logged keys, e.g. ('loss', 'mIoU'); see
            :meth:`~segnet_mm.analysis.run_logs.Scalars.series` for
            ``train/``, ``val/``.
        out_file (str | Path): Figure file.

    Returns:
        dict: key -> run label -> (steps, values), what was drawn.

    Raises:
        KeyError: if a key is in none of the files.
    """
    if not paths or not keys:
        raise ValueError(f'need files and keys, got {len(paths)} files and '
                         f'keys {list(keys)}')
    runs = {run_label(p): load_run(p) for p in paths}
    drawn = {}
    for key in keys:
        drawn[key] = {}
        errors = []
        for label, scalars in runs.items():
            try:
                drawn[key][label] = scalars.series(key)
            except KeyError as err:
                errors.append(f'{label}: {err.args[0]}')
        if not drawn[key]:
            raise KeyError('; '.join(errors))
    fig = Figure(figsize=(11, 3.5 * len(keys)), layout='constrained')
    for ax, key in zip(fig.subplots(len(keys), 1, squeeze=False)[:, 0], keys):
        if len(drawn[key]) > 10:  # the default cycle repeats after 10
            ax.set_prop_cycle(color=colormaps['tab20'].colors)
        for label, (steps, values) in drawn[key].items():
            ax.plot(steps, values, label=label, marker='.' if len(steps) < 50
                    else None)
        ax.set_title(key)
        ax.set_xlabel('iteration')
        ax.grid(alpha=0.3)
        if len(drawn[key]) > 1:
            ax.legend(fontsize='small', loc='center left',
                      bbox_to_anchor=(1.01, 0.5))
    Path(out_file).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out_file, dpi=100)
    return drawn
