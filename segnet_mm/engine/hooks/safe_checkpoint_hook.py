from mmengine.hooks import Hook

from mmseg.registry import HOOKS
from ..checkpoint import enable_safe_checkpoints


@HOOKS.register_module()
class SafeCheckpointHook(Hook):
    """Turn on weights-only checkpoint loading that still resumes
    (:func:`~segnet_mm.engine.enable_safe_checkpoints`) before the Runner
    loads or resumes a checkpoint, and before it saves one."""
    priority = 'VERY_HIGH'

    def before_run(self, runner) -> None:
        enable_safe_checkpoints()
