"""Training throughput of a config under speed levers, and whether a lever
changes the loss curve: the measurements, run plan and table rows behind
``tools/benchmark_train.py``.

A lever is a named edit of a config (bf16 autocast, channels-last weights,
data loading, SegNet's window-code indices, ``torch.compile``, CUDA
graphs). A ladder
applies them one after another on top of the config as it is; every rung
trains the same iterations from the same seed, and its logged losses are
compared with the config's own run and with a second seed of it (the
noise)."""
import time
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
from mmengine.config import Config

from ..utils.typing_utils import PathLike
from .scalars import load_work_dir


def _bf16(cfg: Config) -> None:
    """bf16 autocast without loss scaling."""
    kept = {
        k: v
        for k, v in cfg.optim_wrapper.items()
        if k not in ('type', 'dtype', 'loss_scale')
    }
    cfg.optim_wrapper = dict(type='BF16AmpOptimWrapper', **kept)


def _add_hook(cfg: Config, hook: dict) -> None:
    hooks = cfg.get('custom_hooks', [])
    if hook not in hooks:
        cfg.custom_hooks = [*hooks, hook]


def _channels_last(cfg: Config) -> None:
    """Channels-last weights (and so activations)."""
    _add_hook(cfg, dict(type='ChannelsLastHook'))


def _loader(cfg: Config, workers: int) -> None:
    """More persistent workers, pinned batches."""
    cfg.train_dataloader.update(
        num_workers=workers, persistent_workers=True, pin_memory=True)


def _window_codes(cfg: Config) -> None:
    """SegNet's pooling indices as 2-bit window codes in training too:
    pure tensor algebra that stays channels-last, where CUDA's
    ``max_unpool2d`` converts its input to NCHW and writes NCHW."""
    backbone = cfg.model.backbone.type
    if backbone != 'SegNetEncoder':
        raise ValueError(f"the 'window_codes' lever needs SegNetEncoder, "
                         f'the config has {backbone}')
    cfg.model.backbone.compact_indices = True


def _compile(cfg: Config) -> None:
    """torch.compile of the backbone's and decode head's forward passes."""
    _add_hook(cfg, dict(type='CompileModulesHook'))


def _cuda_graphs(cfg: Config) -> None:
    """The same compile replaying CUDA graphs (``mode='reduce-overhead'``):
    one launch for a step's many small kernels."""
    cfg.custom_hooks = [
        h for h in cfg.get('custom_hooks', [])
        if h['type'] != 'CompileModulesHook'
    ] + [dict(type='CompileModulesHook', mode='reduce-overhead')]


# Each lever edits a config in place; 'loader' also takes the number of
# dataloader workers.
LEVERS: Dict[str, Callable[..., None]] = {
    'bf16': _bf16,
    'channels_last': _channels_last,
    'loader': _loader,
    'window_codes': _window_codes,
    'compile': _compile,
    'cuda_graphs': _cuda_graphs,
}


def apply_levers(cfg: Config, levers: Sequence[str],
                 workers: int = 8) -> Config:
    """``cfg`` with ``levers`` applied in order; ``workers`` is the
    ``loader`` lever's number of dataloader workers.

    Raises:
        KeyError: naming an unknown lever and the known ones.
    """
    for name in levers:
        if name not in LEVERS:
            raise KeyError(f'unknown lever {name!r}; known: {list(LEVERS)}')
        if name == 'loader':
            LEVERS[name](cfg, workers)
        else:
            LEVERS[name](cfg)
    return cfg


def ladder(levers: Sequence[str]) -> List[List[str]]:
    """The rungs: none, the first lever, the first two, ... all."""
    return [list(levers[:i]) for i in range(len(levers) + 1)]


def train_only(cfg: Config, iters: int) -> Config:
    """``cfg`` trimmed to ``iters`` training iterations: no validation, no
    checkpoints. The learning rate follows the full schedule's first
    ``iters`` iterations."""
    cfg.train_cfg.update(max_iters=iters, val_interval=iters + 1)
    cfg.val_dataloader = cfg.val_cfg = cfg.val_evaluator = None
    cfg.default_hooks.checkpoint.update(interval=iters + 1, save_last=False)
    return cfg


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
    steps, times = scalars.get('train/time')
    _, data_times = scalars.get('train/data_time')
    kept = [i for i, step in enumerate(steps) if step > warmup]
    if not kept:
        raise ValueError(f'{work_dir}: no iteration logged after the '
                         f'{warmup} warm-up iterations')
    seconds = float(np.mean([times[i] for i in kept]))
    data = float(np.mean([data_times[i] for i in kept]))
    return dict(seconds_per_iter=seconds, data_share=data / seconds,
                images_per_s=batch_size / seconds,
                loss=dict(zip(*scalars.get('train/loss'))))


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


def pipeline_seconds(cfg: Config, samples: int = 40,
                     warmup: int = 3) -> float:
    """Seconds one dataloader worker spends per training sample: the
    config's training dataset and pipeline (decoding, augmentation,
    packing) in this process, after ``warmup`` samples."""
    from mmseg.registry import DATASETS
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    for i in range(warmup):
        dataset[i % len(dataset)]
    start = time.perf_counter()
    for i in range(samples):
        dataset[(warmup + i) % len(dataset)]
    return (time.perf_counter() - start) / samples


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


SPEED_TABLE_HEADER = (
    '| run | s/iter | images/s | x config | data share | '
    '% of bf16 matmul rate | loss gap to seed 0 |\n'
    '|---|---|---|---|---|---|---|')


def speed_row(run: Dict, base: Dict, train_gflop: float,
              peak_gflops: float) -> str:
    """One run's row: its speed, its images/s over ``base``'s (the config
    as it is), its training GFLOP/s (``train_gflop`` per image) as a
    percentage of ``peak_gflops`` and its loss gap; a failed run's exit
    status."""
    if 'failed' in run:
        return f'| {run["name"]} | failed (exit {run["failed"]}) | | | | | |'
    rate = run['images_per_s'] * train_gflop
    return (f'| {run["name"]} | {run["seconds_per_iter"]:.4f} | '
            f'{run["images_per_s"]:.1f} | '
            f'{run["images_per_s"] / base["images_per_s"]:.2f} | '
            f'{100 * run["data_share"]:.0f}% | '
            f'{100 * rate / peak_gflops:.1f}% | {run["loss_gap"]:.4f} |')


def noise_note(noise: Dict) -> str:
    """What the second seed's loss gap means for the rungs'."""
    return (f'noise: the loss gap between seeds 0 and {noise["seed"]} is '
            f'{noise["loss_gap"]:.4f}; a rung is within noise at or below '
            'it.')
