"""Post-training static int8 quantization of a segmentor for CPUs, through
ONNX Runtime (QDQ format, per-channel int8 weights, uint8 activations
calibrated on training images).

The float graph is :func:`export_onnx`'s: SegNet's pooling keeps 2-bit
window codes computed by comparing the values its ``MaxPool`` node pools
with that node's output, so in the quantized graph the codes come from the
(dequantized int8) values that node sees, and the unpooling places exactly
those values: no index is computed in one precision and applied in
another.

int8 convolutions get dedicated instructions on CPUs with VNNI
(AVX512-VNNI, AVX-VNNI) or AMX-INT8; without them the runtimes use AVX2
kernels (docs/deployment.md compares them with float);
:func:`int8_cpu_support` says which this CPU has.
"""
import os
import tempfile
from pathlib import Path
from typing import List, NamedTuple, Optional, Sequence

import numpy as np

from mmseg.models import BaseSegmentor
from ..utils.cpuinfo import read_cpuinfo
from ..utils.image_files import find_images
from ..utils.typing_utils import PathLike
from .input_conv import input_conv
from .onnx_export import export_onnx, prepare_input

INT8_FLAGS = ('avx512_vnni', 'avx_vnni', 'amx_int8')


class Int8Support(NamedTuple):
    """The CPU's int8 dot-product instructions, from /proc/cpuinfo.

    Attributes:
        flags (tuple[str]): Those of ``INT8_FLAGS`` the CPU has.
        known (bool): False where /proc/cpuinfo can not be read.
    """
    flags: tuple
    known: bool

    @property
    def fast(self) -> bool:
        """Whether int8 convolutions get dedicated instructions."""
        return bool(self.flags)


def int8_cpu_support(cpuinfo: PathLike = '/proc/cpuinfo') -> Int8Support:
    """Which of VNNI / AMX-INT8 the CPU has (Linux's cpuinfo flags)."""
    info = read_cpuinfo(cpuinfo)
    return Int8Support(tuple(f for f in INT8_FLAGS if f in info.flags),
                       info.known)


def calibration_images(calib_dir: PathLike, num: int) -> List[str]:
    """``num`` images of ``calib_dir``, evenly spaced in name order.

    Raises:
        FileNotFoundError: naming ``calib_dir`` if it is missing or holds no
            images.
        ValueError: if ``num`` < 1.
    """
    if num < 1:
        raise ValueError(f'num (calibration images) must be >= 1, got {num}')
    if Path(calib_dir).is_file():
        raise FileNotFoundError(
            f'calib_dir {calib_dir} is a file, not a directory of images')
    images = find_images(calib_dir)
    picks = np.linspace(0, len(images) - 1, min(num, len(images)))
    return [images[i] for i in np.unique(picks.round().astype(int))]


def held_out_image(calib_dir: PathLike,
                   calibration: Sequence[str]) -> Optional[str]:
    """The first image of ``calib_dir`` (name order) not in
    ``calibration``, to check the int8 model on an image its activation
    ranges were not fitted to; None if every image of it calibrates."""
    seen = set(calibration)
    return next(
        (image for image in find_images(calib_dir) if image not in seen),
        None)


class _CalibrationReader:
    """onnxruntime's CalibrationDataReader over preprocessed inputs."""

    def __init__(self, name: str, inputs: Sequence[np.ndarray]):
        self.name = name
        self.inputs = iter(inputs)

    def get_next(self):
        batch = next(self.inputs, None)
        return None if batch is None else {self.name: batch}


def quantize_int8(model: BaseSegmentor,
                  out_file: PathLike,
                  images: Sequence[str],
                  shape: Sequence[int],
                  method: str = 'minmax',
                  float_input_conv: bool = False) -> str:
    """Export ``model`` to ONNX and quantize it to int8 statically.

    Args:
        model (BaseSegmentor): Float segmentor on the CPU.
        out_file (str | Path): The int8 ``.onnx`` to write.
        images (Sequence[str]): Calibration images, resized to ``shape``
            and preprocessed like the model's inputs.
        shape (Sequence[int]): (H, W) of the graph.
        method (str): Activation range calibration, 'minmax' or
            'percentile' (99.999th). Default: 'minmax'.
        float_input_conv (bool): Keep the first convolution, the one on
            the normalised RGB input, in float (docs/deployment.md measures
            what it changes). Default: False.

    Returns:
        str: ``out_file``.
    """
    from onnxruntime.quantization import (CalibrationMethod, QuantFormat,
                                          QuantType, quantize_static)
    from onnxruntime.quantization.shape_inference import quant_pre_process
    methods = dict(minmax=CalibrationMethod.MinMax,
                   percentile=CalibrationMethod.Percentile)
    if method not in methods:
        raise ValueError(f'method must be one of {sorted(methods)}, '
                         f'got {method!r}')
    inputs = [
        prepare_input(model, shape, image).numpy() for image in images
    ]
    with tempfile.TemporaryDirectory() as tmp:
        float_file = os.path.join(tmp, 'float.onnx')
        export_onnx(model, float_file, shape)
        # Folds the exporter's Identity-shared initializers, so that every
        # conv bias is a constant the quantizer turns into int32.
        prepared = os.path.join(tmp, 'prepared.onnx')
        quant_pre_process(float_file, prepared, skip_symbolic_shape=True)
        keep_float = [_onnx_input_conv(prepared)] if float_input_conv else []
        quantize_static(
            prepared,
            str(out_file),
            _CalibrationReader('input', inputs),
            quant_format=QuantFormat.QDQ,
            per_channel=True,
            activation_type=QuantType.QUInt8,
            weight_type=QuantType.QInt8,
            calibrate_method=methods[method],
            nodes_to_exclude=keep_float)
        _copy_metadata(float_file, out_file)
    return str(out_file)


def _onnx_input_conv(onnx_file: PathLike) -> str:
    """Name of the Conv node of ``onnx_file`` that reads the image."""
    import onnx
    nodes = onnx.load(str(onnx_file)).graph.node
    return input_conv(((n.name, n.op_type == 'Conv') for n in nodes),
                      str(onnx_file))


def _copy_metadata(src: PathLike, dst: PathLike) -> None:
    """Give ``dst`` the metadata (preprocessing, classes) of ``src``."""
    import onnx
    props = {p.key: p.value for p in onnx.load(str(src)).metadata_props}
    proto = onnx.load(str(dst))
    onnx.helper.set_model_props(proto, dict(props, quantization='int8'))
    onnx.save(proto, str(dst))
