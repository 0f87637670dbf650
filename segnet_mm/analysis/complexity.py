"""FLOP counting with mmengine's ``FlopAnalyzer`` that also counts what
SegNet adds: max-pooling with indices and max-unpooling (int64 or window
codes). mmengine would otherwise skip those ops with only a warning.

Convention (mmengine/fvcore): one multiply-add counts 1; pooling counts one
comparison per input element, unpooling one write per output element.
"""
from collections import Counter
from typing import Any, List, Tuple

import torch
from mmengine.analysis import FlopAnalyzer
from mmengine.analysis.jit_handles import get_shape

# Elementwise ops (the window codes' index arithmetic, residual additions)
# and eval-time no-ops, not counted by the convention; anything else mmengine
# cannot count is reported by count_macs.
IGNORED_EXTRA = ('aten::div', 'aten::sub', 'aten::add', 'aten::add_',
                 'aten::mul', 'aten::ne', 'aten::lift_fresh', 'aten::pad',
                 'aten::feature_dropout')


def _numel(shape) -> int:
    n = 1
    for s in shape:
        n *= s
    return n


def _input_elements(inputs: List[Any], outputs: List[Any]) -> int:
    return _numel(get_shape(inputs[0]))


def _output_elements(inputs: List[Any], outputs: List[Any]) -> int:
    return _numel(get_shape(outputs[0]))


SEGNET_HANDLES = {
    'aten::max_pool2d_with_indices': _input_elements,
    'aten::max_pool2d': _input_elements,
    'aten::max_unpool2d': _output_elements,
    'aten::where': _output_elements,  # the window-code unpool
}


def count_macs(model: torch.nn.Module,
               inputs: torch.Tensor) -> Tuple[int, Counter, dict]:
    """Multiply-accumulates of one ``model(inputs)`` call.

    Returns:
        tuple: total, ops mmengine could not count (op -> occurrences), and
        the total per op type.
    """
    analyzer = FlopAnalyzer(model, (inputs, ))
    analyzer.set_op_handle(**SEGNET_HANDLES)
    analyzer.set_op_handle(**{op: None for op in IGNORED_EXTRA})
    analyzer.unsupported_ops_warnings(False)
    analyzer.uncalled_modules_warnings(False)
    return analyzer.total(), analyzer.unsupported_ops(), analyzer.by_operator()
