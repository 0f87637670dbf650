from mmengine.config import Config
from mmengine.device import get_device
from mmengine.logging import print_log

# Which optim wrapper gives mixed precision on which device.
AMP_OPTIM_WRAPPERS = {
    'cuda': dict(type='AmpOptimWrapper', loss_scale='dynamic'),
    'cpu': dict(type='BF16AmpOptimWrapper', dtype='bfloat16'),
}
# Already mixed precision on any device: kept as the config has it.
DEVICE_AGNOSTIC_AMP = 'BF16AmpOptimWrapper'


def enable_amp(cfg: Config, device: str = None) -> None:
    """Switch a config to mixed precision for ``device`` (default: current).

    CUDA gets mmengine's ``AmpOptimWrapper`` (fp16 with loss scaling); the
    CPU gets :class:`BF16AmpOptimWrapper` (bf16 autocast). A config that
    already trains with ``BF16AmpOptimWrapper`` (the CPU recipe) keeps it on
    either device. Validation and test loops autocast too (their ``fp16``
    flag follows the device).

    Raises:
        ValueError: if the device has no mixed-precision wrapper or the
            config's optim wrapper is neither plain nor already an AMP one.
    """
    device = device or get_device()
    if device not in AMP_OPTIM_WRAPPERS:
        raise ValueError(f'--amp: no mixed-precision optim wrapper for '
                         f'device {device!r}; known: '
                         f'{list(AMP_OPTIM_WRAPPERS)}')
    amp = AMP_OPTIM_WRAPPERS[device]
    current = cfg.optim_wrapper.get('type', 'OptimWrapper')
    if current in (amp['type'], DEVICE_AGNOSTIC_AMP):
        print_log(f'AMP is already enabled in the config ({current}).',
                  logger='current')
    elif current != 'OptimWrapper':
        raise ValueError(f'--amp: optim_wrapper.type is {current!r}; expected '
                         f"'OptimWrapper', {amp['type']!r} or "
                         f'{DEVICE_AGNOSTIC_AMP!r} on {device}')
    else:
        cfg.optim_wrapper.update(amp)
    enable_eval_amp(cfg)


def enable_eval_amp(cfg: Config) -> None:
    """Autocast the validation and test loops (their ``fp16`` flag: fp16 on
    CUDA, bf16 on CPU); all a test run needs, it builds no optim wrapper."""
    for loop in ('val_cfg', 'test_cfg'):
        if cfg.get(loop) is not None:
            cfg[loop]['fp16'] = True
