"""2x2/2 max-pooling that keeps its indices, and the matching max-unpooling.

SegNet's decoder only needs to know *where* in each 2x2 window the maximum
was. PyTorch stores that as an int64 flat index per pooled value (64 bits);
:func:`window_codes` keeps it as a 2-bit code (one ``uint8`` per window) and
:func:`max_unpool2x2` scatters from either form, so that both give exactly
``F.max_unpool2d``'s result. The code path is pure tensor algebra: it has an
exact autograd backward, runs under ``torch.use_deterministic_algorithms``
(where ``max_unpool2d`` raises) and exports to ONNX.
"""
from typing import NamedTuple, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor

# (dy, dx) inside the 2x2 window -> code dy * 2 + dx, on the window axes of
# an NHWC (N, h, dy, w, dx, C) grid.
_WINDOW_POSITIONS = torch.arange(4, dtype=torch.uint8).view(1, 1, 2, 1, 2, 1)


class PoolOutput(NamedTuple):
    """What one encoder stage hands to its decoder stage.

    Attributes:
        feat (Tensor): Pooled features, (N, C, H // 2, W // 2).
        indices (Tensor): Argmax positions, same shape as ``feat``: int64
            flat indices (PyTorch's form) or uint8 window codes.
        size (tuple[int, int]): (H, W) before pooling, so odd sizes unpool
            back exactly.
    """
    feat: Tensor
    indices: Tensor
    size: Tuple[int, int]


def window_codes(indices: Tensor, width: int) -> Tensor:
    """Turn ``max_pool2d``'s flat indices into 2-bit window codes.

    Args:
        indices (Tensor): int64 flat indices into an (H, W) plane.
        width (int): W, the width of the plane before pooling.

    Returns:
        Tensor: uint8 codes ``(row % 2) * 2 + col % 2``, same shape.
    """
    # int32 arithmetic is several times faster than int64 on CPU, and a
    # plane's flat index fits. (Bitwise ops would be faster still but do not
    # export to ONNX.)
    flat = indices.to(torch.int32)
    row = torch.div(flat, width, rounding_mode='floor')
    return ((row % 2) * 2 + (flat - row * width) % 2).to(torch.uint8)


def max_pool2x2(x: Tensor, compact: bool = True) -> PoolOutput:
    """2x2 stride-2 max-pooling (floor mode) that keeps its argmax.

    Args:
        x (Tensor): Input, (N, C, H, W).
        compact (bool): Return uint8 window codes instead of int64 indices.
            Default: True.
    """
    feat, indices = F.max_pool2d(x, 2, 2, return_indices=True)
    if compact:
        indices = window_codes(indices, x.shape[-1])
    return PoolOutput(feat, indices, (x.shape[-2], x.shape[-1]))


def max_unpool2x2(x: Tensor, indices: Tensor,
                  size: Tuple[int, int]) -> Tensor:
    """Inverse of :func:`max_pool2x2`: place each value at its argmax.

    Args:
        x (Tensor): Values to place, (N, C, h, w).
        indices (Tensor): int64 flat indices or uint8 window codes, like x.
        size (tuple[int, int]): Output (H, W); H in {2h, 2h + 1}.

    Returns:
        Tensor: (N, C, H, W), zeros away from the argmax positions.
    """
    if indices.dtype != torch.uint8:
        return F.max_unpool2d(x, indices, 2, 2, output_size=size)
    n, c, h, w = x.shape
    positions = _WINDOW_POSITIONS.to(indices.device)
    if x.is_contiguous(memory_format=torch.channels_last):
        # (N, h, 1, w, 1, C) against the (2, 2) window grid, in NHWC order.
        grid = (n, h, 1, w, 1, c)
        values = x.permute(0, 2, 3, 1).reshape(grid)
        codes = indices.permute(0, 2, 3, 1).reshape(grid)
        out = torch.where(codes == positions, values, values.new_zeros(()))
        out = out.reshape(n, 2 * h, 2 * w, c).permute(0, 3, 1, 2)
    else:
        grid = (n, c, h, 1, w, 1)
        hit = indices.reshape(grid) == positions.view(1, 1, 1, 2, 1, 2)
        out = torch.where(hit, x.reshape(grid), x.new_zeros(()))
        out = out.reshape(n, c, 2 * h, 2 * w)
    pad_h, pad_w = size[0] - 2 * h, size[1] - 2 * w
    if pad_h or pad_w:
        out = F.pad(out, (0, pad_w, 0, pad_h))
    return out
