import torch
from torch import Tensor


class SegmentorLogits(torch.nn.Module):
    """``segmentor(x, mode='tensor')`` as a one-input module, for tracing
    (ONNX export, FLOP counting).

    Args:
        segmentor (torch.nn.Module): An mmseg segmentor.
    """

    def __init__(self, segmentor: torch.nn.Module) -> None:
        super().__init__()
        self.segmentor = segmentor

    def forward(self, x: Tensor) -> Tensor:
        """x (N, 3, H, W) -> logits (N, num_classes, H, W)."""
        return self.segmentor(x, mode='tensor')
