"""Post-training static int8 quantization of a segmentor through PyTorch's
own PT2E flow: ``torch.export``, torchao's x86 Inductor quantizer
(per-channel int8 weights, uint8 activations calibrated on training
images), and ``torch.compile`` (Inductor with freezing), which runs every
convolution as a oneDNN integer convolution and every max-pool on uint8.

SegNet's pooling stays exact only with one addition to the quantizer. The
2-bit window codes compare the pool's input, read through strided slices,
with the pooled maxima (:func:`~segnet_mm.models.utils.first_max_codes`);
the stock quantizer quantizes the edge into ``max_pool2d`` alone, so the
slices would read the float activation and the codes would compare float
values with quantized maxima (most tied windows then get a wrong code). Here
the slices share the pool input's quantization parameters, so the codes
come from the same dequantized values the max-pool sees, ties included, and
the encoder convolutions can write uint8. :func:`pt2e_int8_program` checks
that no float reader of a pooled activation is left.

The converted program is saved with ``torch.export.save`` (a ``.pt2``
file) with the preprocessing and classes of :func:`export_onnx`'s metadata;
quantizing needs ``pip install -e .[pt2e]`` (torchao), loading and running
(:func:`load_pt2e_int8`, :func:`compile_pt2e_int8`) only torch.
"""
import json
from typing import Callable, Sequence, Tuple

import torch
from torch import Tensor, nn
from torch.export import ExportedProgram
from torch.fx import GraphModule

from mmseg.models import BaseSegmentor
from ..models.utils import SegmentorLogits
from ..utils.typing_utils import PathLike
from .input_conv import input_conv
from .onnx_export import check_one_pass, input_metadata, prepare_input

# The name of the metadata file inside a saved program.
META_FILE = 'segnet_mm_meta.json'

_ATEN = torch.ops.aten


def _require_torchao():
    """Import torchao's PT2E pieces, or say how to get them."""
    try:
        from torchao.quantization.pt2e import quantize_pt2e
        from torchao.quantization.pt2e.quantizer import (
            QuantizationAnnotation, SharedQuantizationSpec)
        from torchao.quantization.pt2e.quantizer import \
            x86_inductor_quantizer as x86
    except ImportError as err:
        raise ImportError(
            'the PT2E back end needs torchao (pip install -e .[pt2e], '
            f'torchao==0.18.0): {err}') from err
    return quantize_pt2e, QuantizationAnnotation, SharedQuantizationSpec, x86


def _register_quantized_ops() -> None:
    """Define the ``quantized_decomposed`` operators a converted program
    holds, so that ``torch.export.load`` can resolve them."""
    import torch.ao.quantization.fx._decomposed  # noqa: F401


def _share_pool_inputs(graph_module: GraphModule, annotation_cls,
                       shared_cls) -> None:
    """Quantize every other reader of an annotated ``max_pool2d`` input
    (the window-code slices) with that input edge's parameters."""
    for pool in graph_module.graph.nodes:
        if pool.target is not _ATEN.max_pool2d.default:
            continue
        annotation = pool.meta.get('quantization_annotation')
        source = pool.args[0]
        if annotation is None or source not in annotation.input_qspec_map:
            continue
        for user in source.users:
            if user is pool or 'quantization_annotation' in user.meta:
                continue
            if user.target is not _ATEN.slice.Tensor:
                raise RuntimeError(
                    f'{user.format_node()} reads the input of {pool.name} '
                    'and is not a slice: its window codes could not be '
                    'kept exact in int8')
            user.meta['quantization_annotation'] = annotation_cls(
                input_qspec_map={source: shared_cls((source, pool))},
                _annotated=True)


def _check_pools(graph_module: GraphModule) -> None:
    """Raise unless every ``max_pool2d`` of a converted graph reads what
    the other readers of its input (the window-code slices) read: the same
    float tensor, or the same quantized one, each through a dequantize."""
    for pool in graph_module.graph.nodes:
        if pool.target is not _ATEN.max_pool2d.default:
            continue
        dequant = pool.args[0]
        if 'dequantize' not in str(dequant.target):
            continue  # a float pool: the slices read the same tensor
        source = dequant.args[0].args[0]
        float_readers = [
            user.name for user in source.users
            if 'quantize' not in str(user.target)
        ]
        if float_readers:
            raise RuntimeError(
                f'{float_readers} read the input of {pool.name} in float: '
                'the window codes would compare it with quantized maxima')


def pt2e_int8_program(module: nn.Module,
                      inputs: Sequence[Tensor],
                      float_input_conv: bool = False) -> ExportedProgram:
    """Export ``module`` (one tensor in, tensors out), quantize it for
    x86 Inductor and calibrate it on ``inputs``.

    Args:
        module (nn.Module): Float module on the CPU; put in eval mode.
        inputs (Sequence[Tensor]): Calibration inputs, all of the shape the
            program is exported for.
        float_input_conv (bool): Leave ``module``'s first ``nn.Conv2d`` in
            float. Default: False.

    Returns:
        ExportedProgram: The converted program (quantize / dequantize nodes
        around float ops; :func:`compile_pt2e_int8` makes it integer).
    """
    quantize_pt2e, annotation_cls, shared_cls, x86 = _require_torchao()
    if not inputs:
        raise ValueError('at least one calibration input is needed')
    module = module.eval()
    example = (torch.zeros_like(inputs[0]), )
    graph_module = torch.export.export(module, example).module()

    class PoolSharingQuantizer(x86.X86InductorQuantizer):
        """x86 Inductor quantizer that also quantizes window-code slices."""

        def annotate(self, model: GraphModule) -> GraphModule:
            model = super().annotate(model)
            _share_pool_inputs(model, annotation_cls, shared_cls)
            return model

    quantizer = PoolSharingQuantizer().set_global(
        x86.get_default_x86_inductor_quantization_config())
    if float_input_conv:
        conv = input_conv(((name, isinstance(child, nn.Conv2d))
                           for name, child in module.named_modules()),
                          type(module).__name__)
        quantizer.set_module_name_qconfig(conv, None)
    prepared = quantize_pt2e.prepare_pt2e(graph_module, quantizer)
    with torch.no_grad():
        for batch in inputs:
            prepared(batch)
    converted = quantize_pt2e.convert_pt2e(prepared)
    _check_pools(converted)
    return torch.export.export(converted, example)


def quantize_pt2e_int8(model: BaseSegmentor,
                       out_file: PathLike,
                       images: Sequence[str],
                       shape: Sequence[int],
                       float_input_conv: bool = False) -> str:
    """Quantize ``model``'s logits (:class:`SegmentorLogits`) to int8 with
    PT2E and save the program.

    The metadata (``META_FILE`` in the ``.pt2``, read back by
    :func:`load_pt2e_int8`) is :func:`export_onnx`'s: ``input``, ``mean``,
    ``std``, ``bgr_to_rgb``, ``classes``, with ``quantization`` and the
    ``shape`` the program takes.

    Args:
        model (BaseSegmentor): Float segmentor on the CPU, one deterministic
            pass (``mc_samples`` 1) with window codes found by comparison.
        out_file (str | Path): The ``.pt2`` file to write.
        images (Sequence[str]): Calibration images, resized to ``shape``
            and preprocessed like the model's inputs.
        shape (Sequence[int]): (H, W) of the program.
        float_input_conv (bool): Keep the first convolution, on the
            normalised input, in float. Default: False.

    Returns:
        str: ``out_file``.
    """
    _require_torchao()
    check_one_pass(model, shape, 'a PT2E program')
    backbone = model.backbone
    if getattr(backbone, 'compact_indices', True) is False or getattr(
            backbone, 'window_codes', 'compare') != 'compare':
        raise ValueError(
            'PT2E int8 needs model.backbone.compact_indices=True (or '
            "'auto') and window_codes='compare': only codes compared with "
            'the pooled values are quantized with the pooling (same '
            'weights)')
    inputs = [prepare_input(model, shape, image) for image in images]
    program = pt2e_int8_program(
        SegmentorLogits(model), inputs, float_input_conv=float_input_conv)
    meta = dict(
        input_metadata(model), quantization='int8', shape=str(list(shape)))
    torch.export.save(
        program, str(out_file), extra_files={META_FILE: json.dumps(meta)})
    return str(out_file)


def load_pt2e_int8(pt2_file: PathLike) -> Tuple[ExportedProgram, dict]:
    """A program :func:`quantize_pt2e_int8` saved, and its metadata."""
    _register_quantized_ops()
    extra = {META_FILE: ''}
    program = torch.export.load(str(pt2_file), extra_files=extra)
    return program, json.loads(extra[META_FILE] or '{}')


class _FrozenCompiled:
    """A ``torch.compile``d module called with Inductor's freezing on and
    without gradients."""

    def __init__(self, module: nn.Module):
        self.compiled = torch.compile(module)

    def __call__(self, inputs: Tensor) -> Tensor:
        # Freezing has to be on when Inductor compiles, i.e. at the first
        # call (torch.compile's options={'freezing': True} does not reach
        # the quantized-convolution weight prepacking).
        from torch._inductor import config
        with config.patch(freezing=True), torch.no_grad():
            return self.compiled(inputs)


def compile_pt2e_int8(program: ExportedProgram) -> Callable[[Tensor], Tensor]:
    """``torch.compile`` (Inductor, freezing on) a converted program: the
    weights become constants, so the quantize / dequantize patterns fuse
    into integer convolutions and uint8 max-pools. The first call
    compiles."""
    return _FrozenCompiled(program.module())
