"""Post-training static int8 quantization of a segmentor for CPUs through
OpenVINO and NNCF: :func:`export_onnx`'s float graph converted to an
OpenVINO model (``openvino.convert_model``), then ``nncf.quantize``d
(FakeQuantize before every convolution: per-channel int8 weights, 8-bit
activations calibrated on training images) and written as an IR
(``.xml`` + ``.bin``) that :class:`OpenVINOSegmentor` runs.

Starting from the ONNX graph keeps SegNet's pooling as exported: the
2-bit window codes compare the values a ``MaxPool`` pools with its output,
so in the int8 model the codes come from the same (quantized) values the
pooling sees. The IR's rt_info carries the ONNX metadata (mean, std,
channel order, classes) and ``quantization``.

Needs ``pip install -e .[openvino]`` (openvino, nncf).
"""
import os
import tempfile
from typing import Sequence

from mmseg.models import BaseSegmentor
from ..utils.typing_utils import PathLike
from .input_conv import input_conv
from .onnx_export import export_onnx, prepare_input
from .openvino_segmentor import import_openvino, set_openvino_metadata


def _import_nncf():
    """Import openvino and nncf, or say how to get them."""
    ov = import_openvino()
    try:
        import nncf
    except ImportError as err:
        raise ImportError(
            'the OpenVINO back end needs openvino and nncf (pip install -e '
            f'.[openvino]): {err}') from err
    return ov, nncf


def _activation_ranges(method: str):
    """NNCF's activation range estimator for ``method``: 'minmax' (the
    smallest and largest value over the calibration images) or
    'percentile' (the 0.001th and 99.999th percentiles of each image,
    averaged over the images).

    Raises:
        ValueError: naming ``method`` if it is neither.
    """
    from nncf.quantization.range_estimator import (
        AggregatorType, RangeEstimatorParameters, RangeEstimatorParametersSet,
        StatisticsCollectorParameters, StatisticsType)
    if method == 'minmax':
        return RangeEstimatorParametersSet.MINMAX
    if method == 'percentile':
        quantile = StatisticsCollectorParameters(
            StatisticsType.QUANTILE, AggregatorType.MEAN,
            quantile_outlier_prob=1e-5)
        return RangeEstimatorParameters(min=quantile, max=quantile)
    raise ValueError("method must be one of ['minmax', 'percentile'], "
                     f'got {method!r}')


def _openvino_input_conv(ov_model) -> str:
    """Friendly name of the ``Convolution`` of an ``openvino.Model`` that
    reads the image."""
    return input_conv(((op.get_friendly_name(),
                        op.get_type_name() == 'Convolution')
                       for op in ov_model.get_ordered_ops()),
                      'the OpenVINO model')


def _onnx_to_openvino(onnx_file: str):
    """``onnx_file`` as an ``openvino.Model`` with its ONNX metadata in
    rt_info (:func:`set_openvino_metadata`)."""
    import onnx
    ov = import_openvino()
    ov_model = ov.convert_model(onnx_file)
    set_openvino_metadata(ov_model, {
        p.key: p.value
        for p in onnx.load(onnx_file).metadata_props
    })
    return ov_model


def _save(ov_model, out_file: PathLike) -> str:
    """Write the IR, float weights as they are (not compressed to fp16)."""
    import_openvino().save_model(
        ov_model, str(out_file), compress_to_fp16=False)
    return str(out_file)


def export_openvino(model: BaseSegmentor, out_file: PathLike,
                    shape: Sequence[int]) -> str:
    """:func:`export_onnx`'s float graph of ``model`` as an OpenVINO IR
    (fp32), with the same metadata.

    Args:
        model (BaseSegmentor): Float segmentor on the CPU.
        out_file (str | Path): The ``.xml`` to write (the ``.bin`` goes
            beside it).
        shape (Sequence[int]): (H, W) of the graph.

    Returns:
        str: ``out_file``.
    """
    import_openvino()
    with tempfile.TemporaryDirectory() as tmp:
        float_file = export_onnx(model, os.path.join(tmp, 'float.onnx'),
                                 shape)
        return _save(_onnx_to_openvino(float_file), out_file)


def quantize_int8_openvino(model: BaseSegmentor,
                           out_file: PathLike,
                           images: Sequence[str],
                           shape: Sequence[int],
                           method: str = 'minmax',
                           float_input_conv: bool = False) -> str:
    """Export ``model`` to ONNX, convert it to OpenVINO and quantize it to
    int8 statically with NNCF (:func:`quantize_int8`'s arguments).

    Args:
        model (BaseSegmentor): Float segmentor on the CPU.
        out_file (str | Path): The int8 ``.xml`` to write (the ``.bin``
            goes beside it).
        images (Sequence[str]): Calibration images, resized to ``shape``
            and preprocessed like the model's inputs.
        shape (Sequence[int]): (H, W) of the graph.
        method (str): Activation range calibration, 'minmax' or
            'percentile'. Default: 'minmax'.
        float_input_conv (bool): Keep the first convolution, the one on
            the normalised RGB input, in float (NNCF's ``ignored_scope``).
            Default: False.

    Returns:
        str: ``out_file``.
    """
    _, nncf = _import_nncf()
    from nncf.quantization.advanced_parameters import \
        AdvancedQuantizationParameters
    ranges = _activation_ranges(method)
    inputs = [
        prepare_input(model, shape, image).numpy() for image in images
    ]
    with tempfile.TemporaryDirectory() as tmp:
        float_file = export_onnx(model, os.path.join(tmp, 'float.onnx'),
                                 shape)
        ov_model = _onnx_to_openvino(float_file)
        ignored = nncf.IgnoredScope(
            names=[_openvino_input_conv(ov_model)] if float_input_conv else [])
        quantized = nncf.quantize(
            ov_model,
            nncf.Dataset(inputs),
            target_device=nncf.TargetDevice.CPU,
            subset_size=len(inputs),
            ignored_scope=ignored,
            advanced_parameters=AdvancedQuantizationParameters(
                activations_range_estimator_params=ranges))
        set_openvino_metadata(quantized, {'quantization': 'int8'})
        return _save(quantized, out_file)
