from mmengine.config import Config
from mmengine.device import get_device
from mmengine.logging import print_log

# Which optim wrapper gives mixed precision on which device.
AMP_OPTIM_WRAPPERS = {
    'cuda': dict(type='AmpOptimWrapper', loss_scale='dynamic'),
    'cpu': dict(type='CPUAmpOptimWrapper', dtype='bfloat16'),
}


def enable_amp(cfg: Config, device: str = None) -> None:
    """Switch a config to mixed precision for ``device`` (default: current).

    CUDA gets mmengine's ``AmpOptimWrapper`` (fp16 with loss scaling); the
    CPU gets :class:`CPUAmpOptimWrapper` (bf16 autocast). Validation and
    test loops autocast too (their ``fp16`` flag follows the device).

    A CPU-recipe config (``CPUAmpOptimWrapper``) on CUDA becomes
    ``AmpOptimWrapper`` with bf16, the same autocast on the GPU.

    Raises:
        ValueError: if the device has no mixed-precision wrapper or the
            config's optim wrapper is neither plain nor already an AMP one.
    """
    device = device or get_device()
    if device not in AMP_OPTIM_WRAPPERS:
        raise ValueError(f'--amp: no mixed-precision optim wrapper for '
                         f'device {device!r}; known: {list(AMP_OPTIM_WRAPPERS)}')
    amp = AMP_OPTIM_WRAPPERS[device]
    current = cfg.optim_wrapper.get('type', 'OptimWrapper')
    if device == 'cuda' and current == 'CPUAmpOptimWrapper':
        # A CPU-recipe config on a GPU: the same bf16 autocast, on CUDA.
        cfg.optim_wrapper.update(type='AmpOptimWrapper', dtype='bfloat16')
    elif current == amp['type']:
        print_log(f'AMP is already enabled in the config ({current}).',
                  logger='current')
    elif current != 'OptimWrapper':
        raise ValueError(f'--amp: optim_wrapper.type is {current!r}; expected '
                         f"'OptimWrapper' or {amp['type']!r} on {device}")
    else:
        cfg.optim_wrapper.update(amp)
    enable_eval_amp(cfg)


def enable_eval_amp(cfg: Config) -> None:
    """Autocast the validation and test loops (their ``fp16`` flag: fp16 on
    CUDA, bf16 on CPU); all a test run needs, it builds no optim wrapper."""
    for loop in ('val_cfg', 'test_cfg'):
        if cfg.get(loop) is not None:
            cfg[loop]['fp16'] = True
