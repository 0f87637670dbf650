"""Static int8 quantization through OpenVINO + NNCF of the small
SegNet-Basic trained on synthetic frames (``test_quantization``'s): the IR
OpenVINO compiles runs integer convolutions and agrees with the float
model."""
from collections import Counter

import pytest

from segnet_mm.apis import init_segmentor
from segnet_mm.deployment import export_openvino, quantize_int8_openvino
from segnet_mm.deployment.quantization import calibration_images
from tests.test_deployment.test_quantization import (
    SHAPE, assert_agrees_with_float)
from tests.test_deployment.test_quantization import trained  # noqa: F401,F811

ov = pytest.importorskip(
    'openvino', reason='OpenVINO back end not installed (pip install -e '
    '.[openvino])')
pytest.importorskip(
    'nncf', reason='OpenVINO back end not installed (pip install -e '
    '.[openvino])')


@pytest.fixture(scope='module')
def ov_int8(trained, tmp_path_factory):  # noqa: F811
    cfg, ckpt, root = trained
    model = init_segmentor(cfg, ckpt)
    out = tmp_path_factory.mktemp('ov_int8') / 'basic_int8.xml'
    quantize_int8_openvino(model, out, calibration_images(root / 'train', 4),
                           SHAPE)
    return model, str(out), root


def conv_precisions(segmentor):
    """``runtimePrecision`` of each convolution OpenVINO's CPU plugin runs,
    in execution order."""
    runtime = segmentor.compiled_model.get_runtime_model()
    return [
        op.get_rt_info()['runtimePrecision'].astype(str)
        for op in runtime.get_ordered_ops()
        if op.get_rt_info()['layerType'].astype(str) == 'Convolution'
    ]


def test_int8_agrees_with_float(ov_int8):
    for check in assert_agrees_with_float(*ov_int8):
        assert check.max_abs_diff > 0  # it is not the float network


def test_int8_ir_runs_integer_convolutions(trained, ov_int8,  # noqa: F811
                                           tmp_path):
    """What tools/test.py's segmentor runs: every convolution of the int8
    IR in u8/i8 behind FakeQuantize, every one of the float IR in f32, and
    with ``float_input_conv=True`` all but the first in integers."""
    cfg, _, _ = trained
    model, int8_file, root = ov_int8
    ir = ov.Core().read_model(int8_file)
    ops = Counter(op.get_type_name() for op in ir.get_ordered_ops())
    assert ops['Convolution'] == 9 and ops['FakeQuantize'] >= 9
    meta = ir.get_rt_info(['segnet_mm']).astype(dict)
    assert meta['quantization'].astype(str) == 'int8'
    assert 'Bicyclist' in meta['classes'].astype(str)

    integer = {'u8', 'i8'}
    precisions = conv_precisions(init_segmentor(cfg, int8_file))
    assert len(precisions) == 9 and set(precisions) <= integer, precisions

    float_file = export_openvino(model, tmp_path / 'float.xml', SHAPE)
    assert conv_precisions(init_segmentor(cfg, float_file)) == ['f32'] * 9

    mixed = quantize_int8_openvino(model, tmp_path / 'mixed.xml',
                                   calibration_images(root / 'train', 2),
                                   SHAPE, float_input_conv=True)
    precisions = conv_precisions(init_segmentor(cfg, mixed))
    assert precisions[0] == 'f32' and set(precisions[1:]) <= integer, \
        precisions
    assert len(precisions) == 9


def test_unknown_method_is_named(ov_int8, tmp_path):
    model, _, root = ov_int8
    with pytest.raises(ValueError, match="method must be one of .*'histo'"):
        quantize_int8_openvino(model, tmp_path / 'x.xml',
                               calibration_images(root / 'train', 1), SHAPE,
                               method='histo')
    assert not (tmp_path / 'x.xml').exists()
