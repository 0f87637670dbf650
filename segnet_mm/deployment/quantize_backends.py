"""The post-training int8 back ends ``tools/deployment/quantize.py
--backend`` chooses from: each quantizes a float segmentor with
:func:`quantize_int8`'s arguments and writes a file of its own kind, which
``tools/test.py`` and the demos then take in place of the checkpoint
(``RUNTIME_MODELS``). A back end is one entry of ``QUANTIZE_BACKENDS``."""
from typing import Callable, NamedTuple

from .openvino_quantization import quantize_int8_openvino
from .quantization import quantize_int8


class QuantizeBackend(NamedTuple):
    """One int8 back end.

    Attributes:
        quantize (Callable): ``quantize(model, out_file, images, shape,
            method, float_input_conv)``, returning ``out_file``.
        suffix (str): The suffix of the file it writes.
        runtime (str): What runs that file, in words.
    """
    quantize: Callable[..., str]
    suffix: str
    runtime: str


QUANTIZE_BACKENDS = {
    'onnxruntime': QuantizeBackend(quantize_int8, '.onnx', 'ONNX Runtime'),
    'openvino': QuantizeBackend(quantize_int8_openvino, '.xml', 'OpenVINO'),
}
