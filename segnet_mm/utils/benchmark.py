"""Measurements behind ``tools/benchmark.py``: matmul peak, inference
throughput, training step time (plain PyTorch loop and mmengine's Runner)
and peak memory, each meant to run in a fresh process (see the tool)."""
import time
import uuid
from contextlib import nullcontext
from pathlib import Path
from typing import Callable, Dict, Optional

import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.hooks import Hook

from mmseg.registry import MODELS


def matmul_peak(dtype: torch.dtype, n: int = 4096, reps: int = 5) -> float:
    """Best GFLOP/s of an n x n x n matrix product."""
    a = torch.randn(n, n).to(dtype)
    b = torch.randn(n, n).to(dtype)
    a @ b
    best = float('inf')
    for _ in range(reps):
        start = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - start)
    return 2 * n**3 / best / 1e9


def peak_tensor_mib(step: Callable[[], None]) -> float:
    """Peak memory of the tensors ``step`` allocates, MiB.

    Replays the allocation events of PyTorch's profiler in time order (op
    granularity): allocator caches and library arenas, which dominate RSS
    on CPU and are not the model's, stay out.
    """
    from torch.profiler import ProfilerActivity, profile
    with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as p:
        step()
    events = sorted((e for e in p.events() if e.self_cpu_memory_usage),
                    key=lambda e: e.time_range.start)
    live = peak = 0
    for event in events:
        live += event.self_cpu_memory_usage
        peak = max(peak, live)
    return peak / 2**20


def build_model(config: str, fast: bool, compact: Optional[bool] = None,
                train: bool = False) -> torch.nn.Module:
    """The segmentor of ``config``; ``fast`` stores it channels-last."""
    cfg = Config.fromfile(config)
    cfg.model.pop('pretrained', None)
    cfg.model.backbone.pop('init_cfg', None)
    if compact is not None:
        cfg.model.backbone.compact_indices = compact
    model = MODELS.build(cfg.model).train(train)
    if fast:
        model = model.to(memory_format=torch.channels_last)
    return model


def _timed(step: Callable[[], None], warmup: int, iters: int) -> float:
    for _ in range(warmup):
        step()
    start = time.perf_counter()
    for _ in range(iters):
        step()
    return (time.perf_counter() - start) / iters


def _autocast(fast: bool, cache: bool = True):
    """bf16 autocast for the fast path; ``cache`` False casts each weight
    when used instead of keeping bf16 copies for the region (inference uses
    each weight once, so the cache only costs memory)."""
    return torch.autocast('cpu', dtype=torch.bfloat16, cache_enabled=cache) \
        if fast else nullcontext()


def inference(config: str, shape, fast: bool, compact: Optional[bool],
              warmup: int = 2, iters: int = 5) -> Dict[str, float]:
    """Seconds per batch-1 forward pass and its peak tensor memory."""
    model = build_model(config, fast, compact)
    x = torch.randn(1, 3, *shape)
    if fast:
        x = x.contiguous(memory_format=torch.channels_last)

    def step():
        with torch.no_grad(), _autocast(fast, cache=False):
            model(x, mode='tensor')

    seconds = _timed(step, warmup, iters)
    return dict(seconds=seconds, peak_mib=peak_tensor_mib(step))


def plain_train_step(config: str, shape, batch: int, fast: bool,
                     compact: Optional[bool], warmup: int = 2,
                     iters: int = 4) -> Dict[str, float]:
    """A hand-written loop: forward, class-weighted CE, backward, SGD."""
    cfg = Config.fromfile(config)
    model = build_model(config, fast, compact, train=True)
    weight = cfg.model.decode_head.loss_decode.get('class_weight')
    weight = None if weight is None else torch.tensor(weight)
    opt = torch.optim.SGD(
        model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    x = torch.randn(batch, 3, *shape)
    if fast:
        x = x.contiguous(memory_format=torch.channels_last)
    y = torch.randint(0, model.decode_head.num_classes, (batch, *shape))

    def step():
        with _autocast(fast):
            logits = model(x, mode='tensor')
        loss = F.cross_entropy(logits.float(), y, weight=weight,
                               ignore_index=255)
        opt.zero_grad()
        loss.backward()
        opt.step()

    seconds = _timed(step, warmup, iters)
    return dict(seconds=seconds, peak_mib=peak_tensor_mib(step))


class _IterClock(Hook):
    """Wall time of the training iterations after ``warmup``."""

    def __init__(self, warmup: int):
        self.warmup = warmup
        self.start = self.end = None

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None):
        if runner.iter + 1 == self.warmup:
            self.start = time.perf_counter()
        self.end = time.perf_counter()


def runner_seconds_per_iter(cfg: Config, work_dir: str, warmup: int = 2,
                            iters: int = 4) -> float:
    """Seconds per training iteration of ``cfg`` through mmengine's Runner
    after ``warmup`` iterations; no validation, no checkpoints. A fresh
    name gives each call its own logger and visualizer (mmengine keeps
    both process-wide by name; mmseg's runtime names its visualizer
    'visualizer')."""
    from mmengine.runner import Runner
    cfg.experiment_name = f'speed_{uuid.uuid4().hex}'
    if cfg.get('visualizer'):
        cfg.visualizer.name = cfg.experiment_name
    # Only the time counts: a loss going non-finite in these few steps
    # (CGNet under the CPU recipe on synthetic frames) must not stop them.
    cfg.custom_hooks = [
        h for h in cfg.get('custom_hooks', [])
        if h['type'] != 'NonFiniteLossHook'
    ]
    cfg.val_dataloader = cfg.val_cfg = cfg.val_evaluator = None
    cfg.work_dir = work_dir
    cfg.train_cfg.max_iters = warmup + iters
    cfg.default_hooks.checkpoint.interval = 10**9
    cfg.default_hooks.checkpoint.save_last = False
    cfg.log_level = 'WARNING'
    runner = Runner.from_cfg(cfg)
    clock = _IterClock(warmup)
    runner.register_hook(clock, 'LOWEST')
    runner.train()
    return (clock.end - clock.start) / iters


def _train_on(cfg: Config, data_root: str) -> Config:
    cfg.train_dataloader.dataset.data_root = data_root
    cfg.train_dataloader.dataset.data_prefix = dict(
        img_path='train', seg_map_path='trainannot')
    return cfg


def config_train_step(config: str, data_root: str, work_dir: str,
                      warmup: int = 2, iters: int = 4) -> Dict[str, float]:
    """Seconds per iteration of ``config`` as it is (its pipeline, batch,
    optim wrapper and hooks), training on ``data_root``'s ``train``."""
    cfg = _train_on(Config.fromfile(config), data_root)
    return dict(seconds=runner_seconds_per_iter(cfg, work_dir, warmup, iters))


def runner_train_step(config: str, data_root: str, work_dir: str,
                      shape, batch: int, fast: bool, warmup: int = 2,
                      iters: int = 4) -> Dict[str, float]:
    """Seconds per iteration of ``config`` through mmengine's Runner, its
    training images resized to ``shape`` (H, W) in batches of ``batch``.

    ``fast`` False turns the config back into mmengine's fp32 default
    (``OptimWrapper``, no channels-last hook).
    """
    cfg = _train_on(Config.fromfile(config), data_root)
    cfg.train_dataloader.batch_size = batch
    for t in cfg.train_dataloader.dataset.pipeline:
        if t['type'] == 'Resize':
            t['scale'] = (shape[1], shape[0])
    cfg.model.data_preprocessor.size = tuple(shape)
    if not fast:
        cfg.optim_wrapper.type = 'OptimWrapper'
        cfg.optim_wrapper.pop('dtype', None)
        cfg.custom_hooks = [
            h for h in cfg.get('custom_hooks', [])
            if h['type'] != 'ChannelsLastHook'
        ]
    return dict(seconds=runner_seconds_per_iter(cfg, work_dir, warmup, iters))


def write_train_images(root: Path, shape, num: int) -> str:
    """Synthetic CamVid-layout training data of the given (H, W)."""
    from segnet_mm.datasets import write_synthetic_camvid
    return str(
        write_synthetic_camvid(root, splits=('train', ), num=num,
                               size=tuple(shape)))
