"""2x2/2 max-pooling that keeps its indices, and the matching max-unpooling.

SegNet's decoder only needs to know *where* in each 2x2 window the maximum
was. PyTorch stores that as an int64 flat index per pooled value (64 bits);
:func:`window_codes` keeps it as a 2-bit code (one ``uint8`` per window) and
:func:`max_unpool2x2` scatters from either form, so that both give exactly
``F.max_unpool2d``'s result. The code path is pure tensor algebra: it has an
exact autograd backward, runs under ``torch.use_deterministic_algorithms``
(where ``max_unpool2d`` raises) and exports to ONNX.

The codes come from comparisons, not from flat indices: the pooled maximum
(``F.max_pool2d`` without indices, a plain ``MaxPool`` node) is compared with
the window's four phases (strided slices), and the code counts the
positions before the first one that holds it, in PyTorch's row-major scan
(0, 0), (0, 1), (1, 0), (1, 1), so ties resolve as ``max_pool2d``'s indices
do. Exported, that is ``MaxPool``, ``Slice``, ``Equal``/``Not``/``And`` and
``Cast``/``Add`` at the pooled size: no int64 ``Indices`` output and no
``Div``/``Mod`` at full size. The exported unpooling upsamples the values and
the codes (``Resize``, nearest) and keeps each value where the upsampled code
matches the position in its window (``Equal`` with a constant grid, then
``Cast`` and ``Mul``), all of it contiguous 4-D elementwise work; eager
PyTorch keeps the 6-D ``where``, which is faster there.
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


def first_max_codes(x: Tensor, pooled: Tensor) -> Tensor:
    """The 2-bit window code of the first position holding each maximum.

    The code counts the positions of the window, scanned (0, 0), (0, 1),
    (1, 0), (1, 1) as ``max_pool2d`` scans them, that come before the first
    one equal to the pooled value, so a tie goes to the earlier position as
    in ``max_pool2d``'s indices. Exact for finite values (a window holding a
    NaN pools to NaN, matches no position and gets code 3).

    Args:
        x (Tensor): Input of the pooling, (N, C, H, W); an odd last row or
            column is left out (floor mode).
        pooled (Tensor): Its 2x2 stride-2 window maxima, (N, C, H // 2,
            W // 2).

    Returns:
        Tensor: uint8 codes ``dy * 2 + dx``, like ``pooled``.
    """
    h, w = pooled.shape[-2:]
    top, bottom = slice(0, 2 * h, 2), slice(1, 2 * h, 2)
    left, right = slice(0, 2 * w, 2), slice(1, 2 * w, 2)
    before_1 = x[..., top, left] != pooled
    before_2 = before_1 & (x[..., top, right] != pooled)
    before_3 = before_2 & (x[..., bottom, left] != pooled)
    return (before_1.to(torch.uint8) + before_2.to(torch.uint8) +
            before_3.to(torch.uint8))


CODE_METHODS = ('compare', 'flat')


def max_pool2x2(x: Tensor,
                compact: bool = True,
                codes: str = 'compare') -> PoolOutput:
    """2x2 stride-2 max-pooling (floor mode) that keeps its argmax.

    Args:
        x (Tensor): Input, (N, C, H, W).
        compact (bool): Return uint8 window codes instead of int64 indices.
            Default: True.
        codes (str): How the codes are found: 'compare' compares the
            pooled maxima with the window (:func:`first_max_codes`); 'flat'
            converts ``max_pool2d``'s int64 indices (:func:`window_codes`;
            the same codes through an int64 ``MaxPool`` output and
            ``Div``/``Mod`` once exported, kept to measure against).
            Default: 'compare'.
    """
    if codes not in CODE_METHODS:
        raise ValueError(f'codes must be one of {CODE_METHODS}, got '
                         f'{codes!r}')
    size = (x.shape[-2], x.shape[-1])
    if not compact or codes == 'flat':
        feat, indices = F.max_pool2d(x, 2, 2, return_indices=True)
        if compact:
            indices = window_codes(indices, size[1])
        return PoolOutput(feat, indices, size)
    feat = F.max_pool2d(x, 2, 2)
    return PoolOutput(feat, first_max_codes(x, feat), size)


UNPOOL_METHODS = ('auto', 'where', 'upsample')


def _exporting() -> bool:
    return torch.onnx.is_in_onnx_export()


def _unpool_upsample(x: Tensor, codes: Tensor) -> Tensor:
    """Window codes -> (N, C, 2h, 2w) by nearest upsampling, for export."""
    h, w = x.shape[-2:]
    # (2h, 2w) grid of each pixel's position code in its window; int()
    # makes it a constant of the traced graph (its shape is fixed anyway).
    grid = _WINDOW_POSITIONS.to(x.device).view(2, 2).repeat(int(h), int(w))
    hit = F.interpolate(codes, scale_factor=2.0, mode='nearest') == grid
    return hit.to(x.dtype) * F.interpolate(
        x, scale_factor=2.0, mode='nearest')


def max_unpool2x2(x: Tensor,
                  indices: Tensor,
                  size: Tuple[int, int],
                  method: str = 'auto') -> Tensor:
    """Inverse of :func:`max_pool2x2`: place each value at its argmax.

    Args:
        x (Tensor): Values to place, (N, C, h, w).
        indices (Tensor): int64 flat indices or uint8 window codes, like x.
        size (tuple[int, int]): Output (H, W); H in {2h, 2h + 1}.
        method (str): How window codes unpool: 'where' selects each value
            on a 6-D (h, 2, w, 2) grid (exact for any value; the faster in
            eager PyTorch); 'upsample' keeps each value of its nearest
            upsampling where the upsampled code matches the position (4-D
            ``Resize``/``Equal``/``Mul``, the faster in ONNX Runtime; exact
            for finite values: an infinite one would put NaN, ``inf * 0``,
            beside it); 'auto' takes 'upsample' in an ONNX export and
            'where' otherwise (a jit trace for FLOP counting included).
            Default: 'auto'.

    Returns:
        Tensor: (N, C, H, W), zeros away from the argmax positions.
    """
    if method not in UNPOOL_METHODS:
        raise ValueError(f'method must be one of {UNPOOL_METHODS}, got '
                         f'{method!r}')
    if indices.dtype != torch.uint8:
        return F.max_unpool2d(x, indices, 2, 2, output_size=size)
    if method == 'upsample' or (method == 'auto' and _exporting()):
        return _pad_to(_unpool_upsample(x, indices), size)
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
    return _pad_to(out, size)


def _pad_to(out: Tensor, size: Tuple[int, int]) -> Tensor:
    """Zero-pad (N, C, 2h, 2w) at the bottom and right to ``size``."""
    pad_h, pad_w = size[0] - out.shape[-2], size[1] - out.shape[-1]
    if pad_h or pad_w:
        out = F.pad(out, (0, pad_w, 0, pad_h))
    return out
