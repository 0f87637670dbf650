"""The int8 back ends by name: the file each writes, and what a back end
whose packages are missing says."""
import sys

import pytest

from segnet_mm.deployment import quantize_int8, quantize_int8_openvino
from segnet_mm.deployment.quantize_backends import QUANTIZE_BACKENDS


def test_backends_and_their_files():
    assert sorted(QUANTIZE_BACKENDS) == ['onnxruntime', 'openvino']
    onnxruntime = QUANTIZE_BACKENDS['onnxruntime']
    assert onnxruntime.quantize is quantize_int8
    assert (onnxruntime.suffix, onnxruntime.runtime) == ('.onnx',
                                                         'ONNX Runtime')
    openvino = QUANTIZE_BACKENDS['openvino']
    assert openvino.quantize is quantize_int8_openvino
    assert (openvino.suffix, openvino.runtime) == ('.xml', 'OpenVINO')


@pytest.mark.parametrize('missing', ['openvino', 'nncf'])
def test_missing_packages_name_the_extra(monkeypatch, missing):
    """Without openvino or nncf the OpenVINO back end says which extra
    installs them, before any work."""
    monkeypatch.setitem(sys.modules, missing, None)
    with pytest.raises(ImportError,
                       match=r'needs openvino and nncf \(pip install -e '
                       r'\.\[openvino\]\)'):
        quantize_int8_openvino(None, 'm.xml', [], (8, 8))
