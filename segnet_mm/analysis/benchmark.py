"""Measurements behind ``tools/analysis_tools/compare_models.py`` and
``tools/analysis_tools/benchmark_int8.py``: MACs, forward-pass time, the
training step time of mmengine's Runner and peak memory, timed as
:mod:`.timing` times, and the rate one dataloader worker feeds
(``tools/analysis_tools/benchmark_data.py``). Every model, optimizer, loss
weight and data layout comes from the config being measured."""
import itertools
import tempfile
from contextlib import nullcontext
from pathlib import Path
from typing import Dict, Optional, Union

import torch
from mmengine.config import Config

from mmseg.registry import MODELS
from ..utils.config_edits import (load_config, quiet_run,
                                  remove_custom_hooks, train_on, train_only,
                                  without_pretrained)
from .timing import TrainIterClock, mean_seconds, peak_tensor_mib


def build_model(config: Union[str, Config], channels_last: bool,
                compact: Optional[bool] = None,
                train: bool = False) -> torch.nn.Module:
    """The segmentor of ``config`` (a file or a loaded config, left as it
    is), stored channels-last if ``channels_last``."""
    cfg = without_pretrained(load_config(config))
    if compact is not None:
        cfg.model.backbone.compact_indices = compact
    model = MODELS.build(cfg.model).train(train)
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
    return model


def bf16_autocast(enabled: bool, cache: bool = True):
    """bf16 autocast if ``enabled``; ``cache`` False casts each weight
    when used instead of keeping bf16 copies for the region (inference uses
    each weight once, so the cache only costs memory)."""
    return torch.autocast('cpu', dtype=torch.bfloat16, cache_enabled=cache) \
        if enabled else nullcontext()


def time_forward(config: Union[str, Config], shape,
                 bf16_channels_last: bool, compact: Optional[bool],
                 warmup: int = 2, iters: int = 5) -> Dict[str, float]:
    """Seconds per batch-1 forward pass and its peak tensor memory; with
    ``bf16_channels_last`` under bf16 autocast on channels-last weights
    and input (the fast path)."""
    model = build_model(config, bf16_channels_last, compact)
    x = torch.randn(1, 3, *shape)
    if bf16_channels_last:
        x = x.contiguous(memory_format=torch.channels_last)

    def step():
        with torch.no_grad(), bf16_autocast(bf16_channels_last,
                                            cache=False):
            model(x, mode='tensor')

    seconds = mean_seconds(step, warmup, iters)
    return dict(seconds=seconds, peak_mib=peak_tensor_mib(step))


def runner_seconds_per_iter(cfg: Config, work_dir: str, warmup: int = 2,
                            iters: int = 4) -> float:
    """Seconds per training iteration of ``cfg`` through mmengine's Runner
    after ``warmup`` iterations; no validation, no checkpoints, in a run
    of its own (:func:`quiet_run`)."""
    from mmengine.runner import Runner
    # Only the time counts: a loss going non-finite in these few steps on
    # synthetic frames must not stop them.
    remove_custom_hooks(cfg, 'NonFiniteLossHook')
    quiet_run(train_only(cfg, warmup + iters), work_dir)
    runner = Runner.from_cfg(cfg)
    clock = TrainIterClock(warmup)
    runner.register_hook(clock, 'LOWEST')
    runner.train()
    return (clock.end - clock.start) / iters


def time_config_train_step(config: Union[str, Config], data_root: str,
                           work_dir: str, warmup: int = 2,
                           iters: int = 4) -> Dict[str, float]:
    """Seconds per iteration of ``config`` (a file or a loaded config, left
    as it is) as it is (its pipeline, batch, optim wrapper and hooks),
    training on ``data_root``."""
    cfg = train_on(load_config(config), data_root)
    return dict(seconds=runner_seconds_per_iter(cfg, work_dir, warmup, iters))


def time_config_train_step_on_synthetic(config: Union[str, Config],
                                        data_shape, num: int, warmup: int = 2,
                                        iters: int = 4) -> Dict[str, float]:
    """:func:`time_config_train_step` on ``num`` synthetic frames of
    ``data_shape`` (H, W) in the config's layout, in a temporary
    directory."""
    cfg = load_config(config)
    with tempfile.TemporaryDirectory() as tmp:
        root = write_synthetic_train_split(cfg, Path(tmp) / 'data',
                                           data_shape, num)
        return time_config_train_step(cfg, root, str(Path(tmp) / 'work'),
                                      warmup, iters)


def write_synthetic_train_split(config: Union[str, Config], root: Path,
                                shape, num: int) -> str:
    """``num`` synthetic training image/label pairs of the given (H, W)
    below ``root``, in the layout the config's training dataset reads
    there (its image and label dirs and suffixes, its ``ann_file`` if it
    has one), labels among its classes; the data root."""
    from mmseg.registry import DATASETS
    from segnet_mm.datasets import write_synthetic_pairs
    dataset = DATASETS.build(
        dict(load_config(config).train_dataloader.dataset,
             data_root=str(root), lazy_init=True))
    names = write_synthetic_pairs(
        dataset.data_prefix['img_path'], dataset.data_prefix['seg_map_path'],
        num, tuple(shape), len(dataset.metainfo['classes']),
        dataset.img_suffix, dataset.seg_map_suffix)
    if dataset.ann_file:
        ann_file = Path(dataset.ann_file)
        ann_file.parent.mkdir(parents=True, exist_ok=True)
        ann_file.write_text(''.join(f'{name}\n' for name in names))
    return str(root)


def inference_params(model: torch.nn.Module) -> int:
    """Parameters used at inference: auxiliary heads left out."""
    aux = getattr(model, 'auxiliary_head', None)
    dropped = 0 if aux is None else sum(p.numel() for p in aux.parameters())
    return sum(p.numel() for p in model.parameters()) - dropped


def macs_and_params(config: Union[str, Config], shape) -> Dict:
    """MACs of one (1, 3, H, W) forward pass (pooling and unpooling
    counted), the parameter count, all and used at inference; ops left
    uncounted are listed."""
    from ..models.utils import SegmentorLogits
    from .complexity import count_macs
    model = build_model(config, channels_last=False).eval()
    total, unsupported, _ = count_macs(SegmentorLogits(model),
                                       torch.randn(1, 3, *shape))
    return dict(macs=total, unsupported=dict(unsupported),
                params=sum(p.numel() for p in model.parameters()),
                inference_params=inference_params(model))


def pipeline_seconds(cfg: Config, samples: int = 40,
                     warmup: int = 3) -> float:
    """Seconds one dataloader worker spends per training sample: the
    config's training dataset and pipeline (decoding, augmentation,
    packing) in this process, after ``warmup`` samples."""
    from mmseg.registry import DATASETS
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    indices = itertools.count()
    return mean_seconds(lambda: dataset[next(indices) % len(dataset)],
                        warmup, samples)
