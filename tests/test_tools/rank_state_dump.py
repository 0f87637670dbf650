"""A hook for the DDP test (imported by the training processes through
``custom_imports``, never by pytest): every rank saves its parameters and
buffers after training, so ranks can be compared."""
import os.path as osp

import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmseg.registry import HOOKS


@HOOKS.register_module()
class RankStateDumpHook(Hook):
    """Save ``{'params': ..., 'buffers': ...}`` to ``out_dir/rank{R}.pth``.

    Args:
        out_dir (str): Directory to write to (must exist).
    """

    def __init__(self, out_dir: str):
        self.out_dir = out_dir

    def after_train(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        torch.save(
            dict(
                params={
                    k: v.detach().clone()
                    for k, v in model.named_parameters()
                },
                buffers={
                    k: v.detach().clone()
                    for k, v in model.named_buffers()
                }), osp.join(self.out_dir, f'rank{runner.rank}.pth'))
