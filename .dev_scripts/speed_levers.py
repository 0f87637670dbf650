"""The config edits of the development benchmarks: the speed levers of
``benchmark_train.py`` (bf16 autocast, channels-last, data loading,
SegNet's window-code indices, ``torch.compile``, CUDA graphs), each named
in ``LEVERS``, and mixed precision and channels-last taken back out
(``speed_suite.py``'s fp32 rows). Each edits the config in place and
returns it."""
from typing import Callable, Dict, Sequence

from mmengine.config import Config

from segnet_mm.utils.config_edits import remove_custom_hooks

# Optim wrapper keys that only a mixed-precision wrapper takes.
PRECISION_KEYS = ('dtype', 'loss_scale')


def _set_optim_wrapper(cfg: Config, wrapper_type: str) -> None:
    """``optim_wrapper.type`` set to ``wrapper_type``, its optimizer and
    other settings kept, the mixed-precision keys dropped."""
    kept = {
        k: v
        for k, v in cfg.optim_wrapper.items()
        if k != 'type' and k not in PRECISION_KEYS
    }
    cfg.optim_wrapper = dict(type=wrapper_type, **kept)


def disable_amp(cfg: Config) -> Config:
    """fp32 throughout: mmengine's plain ``OptimWrapper`` (the optimizer
    kept) and validation and test loops without autocast."""
    _set_optim_wrapper(cfg, 'OptimWrapper')
    for loop in ('val_cfg', 'test_cfg'):
        if cfg.get(loop) is not None:
            cfg[loop]['fp16'] = False
    return cfg


def enable_bf16_autocast(cfg: Config) -> Config:
    """Training under bf16 autocast without loss scaling
    (``BF16AmpOptimWrapper``) whatever the config's optim wrapper, its
    optimizer kept."""
    _set_optim_wrapper(cfg, 'BF16AmpOptimWrapper')
    return cfg


def add_custom_hook(cfg: Config, hook: dict) -> Config:
    """``hook`` appended to ``custom_hooks`` unless it is there already."""
    hooks = cfg.get('custom_hooks', [])
    if hook not in hooks:
        cfg.custom_hooks = [*hooks, hook]
    return cfg


def enable_channels_last(cfg: Config) -> Config:
    """Channels-last weights (and so activations): ``ChannelsLastHook``."""
    return add_custom_hook(cfg, dict(type='ChannelsLastHook'))


def disable_channels_last(cfg: Config) -> Config:
    """The default memory format: no ``ChannelsLastHook``."""
    return remove_custom_hooks(cfg, 'ChannelsLastHook')


def tune_dataloader(cfg: Config, workers: int) -> Config:
    """``workers`` persistent training dataloader workers, pinned
    batches."""
    cfg.train_dataloader.update(
        num_workers=workers, persistent_workers=True, pin_memory=True)
    return cfg


def enable_window_codes(cfg: Config) -> Config:
    """SegNet's pooling indices as 2-bit window codes in training too:
    pure tensor algebra that stays channels-last, where CUDA's
    ``max_unpool2d`` converts its input to NCHW and writes NCHW.

    Raises:
        ValueError: naming the backbone, if it is not ``SegNetEncoder``.
    """
    backbone = cfg.model.backbone.type
    if backbone != 'SegNetEncoder':
        raise ValueError(f"the 'window_codes' lever needs SegNetEncoder, "
                         f'the config has {backbone}')
    cfg.model.backbone.compact_indices = True
    return cfg


def enable_compile(cfg: Config) -> Config:
    """torch.compile of the backbone's and decode head's forward passes
    (``CompileModulesHook``)."""
    return add_custom_hook(cfg, dict(type='CompileModulesHook'))


def enable_cuda_graphs(cfg: Config) -> Config:
    """The same compile replaying CUDA graphs (``mode='reduce-overhead'``):
    one launch for a step's many small kernels; replaces a plain
    compile."""
    remove_custom_hooks(cfg, 'CompileModulesHook')
    return add_custom_hook(
        cfg, dict(type='CompileModulesHook', mode='reduce-overhead'))


# The speed levers of benchmark_train.py, by name;
# 'loader' also takes the number of dataloader workers.
LEVERS: Dict[str, Callable[..., Config]] = {
    'bf16': enable_bf16_autocast,
    'channels_last': enable_channels_last,
    'loader': tune_dataloader,
    'window_codes': enable_window_codes,
    'compile': enable_compile,
    'cuda_graphs': enable_cuda_graphs,
}


def apply_levers(cfg: Config, levers: Sequence[str],
                 workers: int = 8) -> Config:
    """``cfg`` with ``levers`` (names in ``LEVERS``) applied in order;
    ``workers`` is the ``loader`` lever's number of dataloader workers.

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
