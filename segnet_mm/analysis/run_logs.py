"""What a run of ``tools/train.py`` (and ``tools/test.py``) left in its work
dir: the curves it logged, the validation logged at the last iteration, the
metrics of a test run, and the device it trained on. Nothing is guessed:
what is not there is None or empty (or, for a curve asked for by name, a
``KeyError``).

Layout (mmengine's): ``WORK_DIR/TIMESTAMP/vis_data/scalars.json`` per
training piece, ``WORK_DIR/TIMESTAMP/TIMESTAMP.log`` its text log, and
for ``tools/test.py --work-dir WORK_DIR/test`` one
``WORK_DIR/test/TIMESTAMP/TIMESTAMP.json`` line of test metrics.

mmengine's ``LocalVisBackend`` writes one JSON object per line of
``scalars.json``: training lines carry the logged losses, ``lr``, ``time``
... with ``iter`` and ``step``; validation lines carry the metrics
(``mIoU`` ...) and ``time`` with ``step`` (the training iteration) but no
``iter``.
"""
import json
import re
from pathlib import Path
from typing import Dict, List, NamedTuple, Optional, Tuple

from ..utils.typing_utils import PathLike

Series = Tuple[List[int], List[float]]
STEP_KEYS = ('step', 'iter', 'epoch')
VAL_KEYS = ('aAcc', 'mAcc', 'mIoU')


class Scalars(NamedTuple):
    """The curves of one log file.

    Attributes:
        train (dict[str, tuple[list[int], list[float]]]): Key -> (steps,
            values) from training lines.
        val (dict[str, tuple[list[int], list[float]]]): The same from
            validation lines.
    """
    train: Dict[str, Series]
    val: Dict[str, Series]

    def series(self, key: str) -> Series:
        """The series of ``key``; ``train/KEY`` or ``val/KEY`` picks the
        mode when both have it (``time``, ``data_time``). Keys logged with
        a slash (a metric's ``prefix``: ``val/mIoU``) are found as they are.

        Raises:
            KeyError: naming the key and the keys there are.
        """
        mode, _, name = key.rpartition('/')
        if mode in ('train', 'val') and name in getattr(self, mode):
            return getattr(self, mode)[name]
        found = [(m, series[key]) for m, series in
                 dict(train=self.train, val=self.val).items() if key in series]
        if len(found) > 1:
            raise KeyError(f'{key!r} is logged in training and validation; '
                           f'ask for train/{key} or val/{key}')
        if not found:
            known = sorted({*self.train, *self.val})
            raise KeyError(f'{key!r} is not logged; logged keys: {known}')
        return found[0][1]


def load_scalars(path: PathLike) -> Scalars:
    """Parse one ``scalars.json``.

    Lines with ``iter`` are training lines, the others validation lines;
    the x value is ``step`` (else ``iter``). Non-numeric values are skipped.

    Raises:
        FileNotFoundError: if ``path`` does not exist.
        ValueError: naming file and line, for a line that is not a JSON
            object or has no ``step``/``iter``.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f'scalars file {path} can not be found')
    scalars = Scalars(train={}, val={})
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise ValueError(f'{path}:{number}: not JSON ({err})') from err
        if not isinstance(record, dict):
            raise ValueError(f'{path}:{number}: expected a JSON object')
        step = record.get('step', record.get('iter'))
        if not isinstance(step, int):
            raise ValueError(f'{path}:{number}: no integer step or iter')
        series = scalars.train if 'iter' in record else scalars.val
        for key, value in record.items():
            if key in STEP_KEYS or isinstance(value, bool) or \
                    not isinstance(value, (int, float)):
                continue
            steps, values = series.setdefault(key, ([], []))
            steps.append(step)
            values.append(float(value))
    return scalars


def _truncate(series: Dict[str, Series], stop: int) -> None:
    """Keep only the points of ``series`` before step ``stop``."""
    for key, (steps, values) in list(series.items()):
        kept = [i for i, step in enumerate(steps) if step < stop]
        if kept:
            series[key] = ([steps[i] for i in kept],
                           [values[i] for i in kept])
        else:
            del series[key]


def load_work_dir(work_dir: PathLike) -> Scalars:
    """Join the ``TIMESTAMP/vis_data/scalars.json`` pieces of one work dir.

    A run continued with ``--resume`` writes a new timestamped piece that
    starts after the checkpoint it resumed from; whatever an earlier piece
    logged from the later piece's first step on was redone, so the later
    piece wins from there.

    Raises:
        FileNotFoundError: if the directory holds no such piece.
    """
    pieces = sorted(Path(work_dir).glob('*/vis_data/scalars.json'))
    if not pieces:
        raise FileNotFoundError(
            f'{work_dir} holds no TIMESTAMP/vis_data/scalars.json')
    joined = Scalars(train={}, val={})
    for piece in map(load_scalars, pieces):
        starts = [steps[0] for part in piece for steps, _ in part.values()]
        if not starts:
            continue
        for mode, series in zip(joined, piece):
            _truncate(mode, min(starts))
            for key, (steps, values) in series.items():
                old_steps, old_values = mode.setdefault(key, ([], []))
                old_steps.extend(steps)
                old_values.extend(values)
    return joined


def load_run(path: PathLike) -> Scalars:
    """A ``scalars.json`` file, or a work dir (its pieces joined)."""
    if Path(path).is_dir():
        return load_work_dir(path)
    return load_scalars(path)


def _newest_piece_file(folder: PathLike, suffix: str) -> Optional[Path]:
    """``folder/TIMESTAMP/TIMESTAMP<suffix>`` of the newest piece, None if
    there is none."""
    files = sorted(p for p in Path(folder).glob(f'*/*{suffix}')
                   if p.stem == p.parent.name)
    return files[-1] if files else None


def final_val(work_dir: PathLike, max_iters: int) -> Dict[str, float]:
    """``aAcc``, ``mAcc``, ``mIoU`` validated at iteration ``max_iters``
    (the last checkpoint's weights); empty if no piece logged them."""
    try:
        scalars = load_work_dir(work_dir)
    except FileNotFoundError:
        return {}
    found = {}
    for key in VAL_KEYS:
        steps, values = scalars.val.get(key, ([], []))
        if max_iters in steps:
            found[key] = values[steps.index(max_iters)]
    return found


def final_test(test_dir: PathLike) -> Dict[str, float]:
    """The newest test run's metrics in ``test_dir``
    (``TIMESTAMP/TIMESTAMP.json``); empty if there is none.

    Raises:
        ValueError: naming the file, if it is not a JSON object.
    """
    log = _newest_piece_file(test_dir, '.json')
    if log is None:
        return {}
    text = log.read_text().strip()
    try:
        record = json.loads(text.splitlines()[-1])
    except (json.JSONDecodeError, IndexError) as err:
        raise ValueError(f'{log}: not a JSON line of metrics') from err
    if not isinstance(record, dict):
        raise ValueError(f'{log}: not a JSON object of metrics')
    return {k: v for k, v in record.items() if isinstance(v, (int, float))}


def train_device(work_dir: PathLike) -> Optional[str]:
    """The device of the newest training piece, from the environment its
    log starts with: the GPU name (``GPU 0: NAME``), else ``'CPU'`` where
    CUDA was not available; None without a log."""
    log = _newest_piece_file(work_dir, '.log')
    if log is None:
        return None
    text = log.read_text(errors='replace')
    gpu = re.search(r'^\s*GPU [\d,]+: (.+)$', text, re.MULTILINE)
    if gpu:
        return gpu.group(1).strip()
    if re.search(r'CUDA available: False', text):
        return 'CPU'
    return None
