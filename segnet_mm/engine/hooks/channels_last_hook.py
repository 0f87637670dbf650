import torch
from mmengine.hooks import Hook

from mmseg.registry import HOOKS


@HOOKS.register_module()
class ChannelsLastHook(Hook):
    """Store the model's weights channels-last (NHWC) before running.

    oneDNN's convolutions on CPU (and cuDNN's with tensor cores) are fastest
    in NHWC; a conv whose weight is channels-last makes its output
    channels-last too, so converting the weights is enough. Parameters are
    converted in place, so an optimizer built earlier keeps tracking them.
    """
    priority = 'VERY_HIGH'

    def before_run(self, runner) -> None:
        runner.model.to(memory_format=torch.channels_last)
