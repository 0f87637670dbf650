"""Training throughput of a config under speed levers, and whether a lever
changes the loss curve: the measurements, run plan and rows behind
``.dev_scripts/benchmark_train.py`` (docs/gpu.md's lever ladder).

A lever is a named config edit (``speed_levers.LEVERS``:
bf16 autocast, channels-last weights, data loading, SegNet's window-code
indices, ``torch.compile``, CUDA graphs). A ladder applies them one after
another on top of the config as it is; every rung trains the same
iterations from the same seed, and its logged losses are compared with the
config's own run and with a second seed of it (the noise)."""
import copy
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Tuple

import numpy as np
from mmengine.config import Config

from segnet_mm.analysis.report import markdown_row
from segnet_mm.analysis.run_logs import load_work_dir
from segnet_mm.utils.config_edits import train_only
from segnet_mm.utils.typing_utils import PathLike
from speed_levers import apply_levers


def ladder(levers: Sequence[str]) -> List[List[str]]:
    """The rungs: none, the first lever, the first two, ... all."""
    return [list(levers[:i]) for i in range(len(levers) + 1)]


def configure_speed_run(cfg: Config, iters: int, seed: int,
                        log_interval: int = 10) -> Config:
    """:func:`train_only` from ``seed``, logging every ``log_interval`` the
    means over those iterations (the log processor's window)."""
    train_only(cfg, iters)
    cfg.default_hooks.logger.interval = log_interval
    cfg.log_processor = dict(cfg.get('log_processor', {}),
                             window_size=log_interval)
    cfg.randomness = dict(seed=seed)
    return cfg


def read_logged_speed(work_dir: PathLike, batch_size: int,
                      warmup: int) -> Dict:
    """Seconds per iteration, data-loading share and images/s after
    ``warmup`` iterations, from the run's logged ``time`` and
    ``data_time`` (each the mean over its logging interval, as
    :func:`configure_speed_run` sets the log processor's window;
    ``warmup`` a multiple of that interval); and the logged training
    ``loss`` by iteration.

    Raises:
        ValueError: naming the work dir, if nothing was logged after
            ``warmup``.
    """
    scalars = load_work_dir(work_dir)
    steps, times = scalars.series('train/time')
    _, data_times = scalars.series('train/data_time')
    kept = [i for i, step in enumerate(steps) if step > warmup]
    if not kept:
        raise ValueError(f'{work_dir}: no iteration logged after the '
                         f'{warmup} warm-up iterations')
    seconds = float(np.mean([times[i] for i in kept]))
    data = float(np.mean([data_times[i] for i in kept]))
    return dict(seconds_per_iter=seconds, data_share=data / seconds,
                images_per_s=batch_size / seconds,
                loss=dict(zip(*scalars.series('train/loss'))))


def loss_gap(curve: Dict[int, float], reference: Dict[int, float],
             window: int = 50) -> float:
    """Largest difference between two loss curves' means over windows of
    ``window`` iterations (on the iterations both logged).

    Raises:
        ValueError: if the curves share no logged iteration.
    """
    shared = sorted(set(curve) & set(reference))
    if not shared:
        raise ValueError('the loss curves share no logged iteration')
    gaps = []
    for start in range(0, shared[-1], window):
        steps = [s for s in shared if start < s <= start + window]
        if steps:
            gaps.append(abs(np.mean([curve[s] for s in steps]) -
                            np.mean([reference[s] for s in steps])))
    return float(max(gaps))


def run_plan(levers: Sequence[str], noise_seed: Optional[int] = None,
             all_levers_only: bool = False) -> List[Tuple[str, List[str],
                                                          int]]:
    """The runs of a lever ladder as (name, levers, seed): the config as it
    is from seed 0, from ``noise_seed`` (unless None), then each rung of
    :func:`ladder` (``all_levers_only``: the last alone) from seed 0."""
    plan = [('config', [], 0)]
    if noise_seed is not None:
        plan.append((f'config_seed{noise_seed}', [], noise_seed))
    rungs = ladder(levers)[1:]
    if all_levers_only:
        rungs = rungs[-1:]
    return plan + [('+' + '+'.join(rung), rung, 0) for rung in rungs]


def train_input_shape(cfg: Config) -> List[int]:
    """(H, W) of the training batches: the data preprocessor's ``size``.

    Raises:
        KeyError: if the config does not set it.
    """
    size = cfg.model.data_preprocessor.get('size')
    if size is None:
        raise KeyError('model.data_preprocessor.size is not set: the '
                       'training FLOPs need a fixed input size')
    return list(size)


def train_gflop_per_image(macs: float) -> float:
    """GFLOP of one training image: 2 FLOPs per MAC, and the backward pass
    twice the forward's."""
    return 3 * 2 * macs / 1e9


def run_ladder(base: Config, plan: Sequence[Tuple[str, List[str], int]],
               work_root: PathLike, train: Callable[[Path, Path], int],
               iters: int, warmup: int, workers: int = 8,
               log_interval: int = 10) -> Iterator[Dict]:
    """Train each run of ``plan`` (:func:`run_plan`) and yield its result
    as it ends.

    A run's config, ``base`` with its levers (``workers`` for the loader
    lever) under :func:`configure_speed_run`, is written to
    ``work_root/<name>/config.py`` and trained there by ``train(config,
    work_dir)``, which returns the exit status. A result holds the name,
    levers and seed, then either ``failed`` (the exit status) or
    :func:`read_logged_speed` (after ``warmup`` iterations) and the
    ``loss_gap`` to the first run's curve (while that one has one).
    """
    first = None
    for name, levers, seed in plan:
        work_dir = Path(work_root) / name
        work_dir.mkdir(parents=True, exist_ok=True)
        cfg = configure_speed_run(
            apply_levers(copy.deepcopy(base), levers, workers), iters, seed,
            log_interval)
        config = work_dir / 'config.py'
        cfg.dump(str(config))
        result = dict(name=name, levers=list(levers), seed=seed)
        status = train(config, work_dir)
        if status != 0:
            result['failed'] = status
        else:
            result.update(read_logged_speed(
                work_dir, cfg.train_dataloader.batch_size, warmup))
        first = first or result
        if 'failed' not in result and 'failed' not in first:
            result['loss_gap'] = loss_gap(result['loss'], first['loss'])
        yield result


LEVER_COLUMNS = ('run', 's/iter', 'images/s', 'x config', 'data share',
                 '% of bf16 matmul rate', 'loss gap to seed 0')


def lever_row(run: Dict, base: Dict, train_gflop: float,
              peak_gflops: float) -> str:
    """One lever run's row under ``markdown_header(LEVER_COLUMNS)``: its
    speed, its images/s over ``base``'s (the config as it is), its
    training GFLOP/s (``train_gflop`` per image) as a percentage of
    ``peak_gflops`` and its loss gap; a failed run's exit status."""
    if 'failed' in run:
        return markdown_row([run['name'], f'failed (exit {run["failed"]})'] +
                            [''] * (len(LEVER_COLUMNS) - 2))
    rate = run['images_per_s'] * train_gflop
    return markdown_row([
        run['name'], f'{run["seconds_per_iter"]:.4f}',
        f'{run["images_per_s"]:.1f}',
        f'{run["images_per_s"] / base["images_per_s"]:.2f}',
        f'{100 * run["data_share"]:.0f}%',
        f'{100 * rate / peak_gflops:.1f}%', f'{run["loss_gap"]:.4f}'
    ])


def noise_note(noise: Dict) -> str:
    """What the second seed's loss gap means for the rungs'."""
    return (f'noise: the loss gap between seeds 0 and {noise["seed"]} is '
            f'{noise["loss_gap"]:.4f}; a rung is within noise at or below '
            'it.')
