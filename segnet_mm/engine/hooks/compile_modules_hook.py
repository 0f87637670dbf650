from typing import Sequence

import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmseg.registry import HOOKS


@HOOKS.register_module()
class CompileModulesHook(Hook):
    """``torch.compile`` the segmentor's networks in place before training.

    mmengine's ``compile`` option compiles the whole ``train_step``,
    optimizer step included, whose learning rate changes every iteration of
    a poly schedule: the step recompiles every iteration. This hook
    compiles only the named submodules' ``forward`` (replaced on the
    instance, so their state-dict keys stay as they are and a decode head's
    ``loss``, which calls ``self.forward``, uses it too); with fixed crops
    they see the same shapes every training iteration (validation on other
    sizes compiles once more).

    Args:
        modules (Sequence[str]): Attributes of the segmentor to compile.
            Default: ('backbone', 'decode_head').
        **compile_kwargs: ``torch.compile`` arguments (``mode``, ...).
    """
    priority = 'LOW'

    def __init__(self,
                 modules: Sequence[str] = ('backbone', 'decode_head'),
                 **compile_kwargs) -> None:
        self.modules = tuple(modules)
        self.compile_kwargs = compile_kwargs

    def before_train(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        for name in self.modules:
            module = getattr(model, name, None)
            if module is None:
                raise AttributeError(
                    f'CompileModulesHook: the segmentor '
                    f'({type(model).__name__}) has no {name!r}')
            module.forward = torch.compile(module.forward,
                                           **self.compile_kwargs)
