from .config_checks import ConfigCheckError, check_config
from .tta import flip_tta_pipeline

__all__ = ['ConfigCheckError', 'check_config', 'flip_tta_pipeline']
