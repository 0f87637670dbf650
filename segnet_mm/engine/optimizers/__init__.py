from .bf16_amp_optim_wrapper import BF16AmpOptimWrapper, cpu_has_bf16_hardware

__all__ = ['BF16AmpOptimWrapper', 'cpu_has_bf16_hardware']
