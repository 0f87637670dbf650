"""The int8 back ends by name: the file each writes, and what a back end
whose packages are missing says."""
import sys

import pytest

from segnet_mm.deployment import quantize_int8, quantize_int8_openvino
from segnet_mm.deployment.quantize_backends import (QUANTIZE_BACKENDS,
                                                    quantize_backend)


def test_backends_and_their_files():
    assert quantize_backend('onnxruntime', 'm.onnx').quantize is \
        quantize_int8
    assert quantize_backend('openvino', 'out/m.XML').quantize is \
        quantize_int8_openvino
    with pytest.raises(ValueError, match=r'--out m.onnx: the openvino back '
                       r'end writes a .xml file \(OpenVINO runs it\)'):
        quantize_backend('openvino', 'm.onnx')
    with pytest.raises(ValueError, match='--out m.xml: the onnxruntime back '
                       'end writes a .onnx file'):
        quantize_backend('onnxruntime', 'm.xml')
    with pytest.raises(ValueError, match=r"unknown back end 'tvm': choose "
                       r"from \['onnxruntime', 'openvino'\]"):
        quantize_backend('tvm', 'm.onnx')
    assert sorted(QUANTIZE_BACKENDS) == ['onnxruntime', 'openvino']


@pytest.mark.parametrize('missing', ['openvino', 'nncf'])
def test_missing_packages_name_the_extra(monkeypatch, missing):
    """Without openvino or nncf the OpenVINO back end says which extra
    installs them, before any work."""
    monkeypatch.setitem(sys.modules, missing, None)
    with pytest.raises(ImportError,
                       match=r'needs openvino and nncf \(pip install -e '
                       r'\.\[openvino\]\)'):
        quantize_int8_openvino(None, 'm.xml', [], (8, 8))
