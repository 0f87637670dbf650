from .config_checks import ConfigCheckError, check_config
from .cpuinfo import CpuInfo, read_cpuinfo
from .tta import flip_tta_pipeline

__all__ = [
    'ConfigCheckError', 'check_config', 'CpuInfo', 'read_cpuinfo',
    'flip_tta_pipeline'
]
