"""segnet_mm.analysis.op_profile: ms per op kind in ONNX Runtime and
OpenVINO."""
import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper

from segnet_mm.analysis.op_profile import (onnxruntime_op_times,
                                           openvino_op_times)


def _graph() -> bytes:
    """Conv -> Relu -> MaxPool on a (1, 4, 16, 16) input."""
    weight = np.ones((4, 4, 3, 3), np.float32)
    nodes = [
        helper.make_node('Conv', ['x', 'w'], ['c'], pads=[1, 1, 1, 1]),
        helper.make_node('Relu', ['c'], ['r']),
        helper.make_node('MaxPool', ['r'], ['y'], kernel_shape=[2, 2],
                         strides=[2, 2])
    ]
    graph = helper.make_graph(
        nodes, 'g',
        [helper.make_tensor_value_info('x', TensorProto.FLOAT,
                                       [1, 4, 16, 16])],
        [helper.make_tensor_value_info('y', TensorProto.FLOAT,
                                       [1, 4, 8, 8])],
        [numpy_helper.from_array(weight, 'w')])
    return helper.make_model(
        graph, opset_imports=[helper.make_opsetid('', 17)]
    ).SerializeToString()


def test_op_times_per_kind():
    times = onnxruntime_op_times(_graph(), np.ones((1, 4, 16, 16),
                                                   np.float32), 1, runs=2)
    # onnxruntime fuses Conv + Relu; the pooling stays its own kind.
    assert 'MaxPool' in times and 'Conv' in times
    assert 'Relu' not in times
    assert all(ms > 0 for ms in times.values())
    assert list(times.values()) == sorted(times.values(), reverse=True)
    with pytest.raises(ValueError, match='runs must be >= 1, got 0'):
        onnxruntime_op_times(_graph(), np.ones((1, 4, 16, 16), np.float32),
                             runs=0)


def test_openvino_op_times_per_layer_type_and_kernel(tmp_path):
    ov = pytest.importorskip('openvino', reason='pip install -e .[openvino]')
    onnx_file = tmp_path / 'g.onnx'
    onnx_file.write_bytes(_graph())
    xml = str(tmp_path / 'g.xml')
    ov.save_model(ov.convert_model(str(onnx_file)), xml)
    times = openvino_op_times(xml, np.ones((1, 4, 16, 16), np.float32), 1,
                              runs=2)
    kinds = {op.split()[0] for op in times}
    assert {'Convolution', 'MaxPool'} <= kinds
    assert all(ms > 0 for ms in times.values())
    assert list(times.values()) == sorted(times.values(), reverse=True)
    with pytest.raises(ValueError, match='runs must be >= 1, got 0'):
        openvino_op_times(xml, np.ones((1, 4, 16, 16), np.float32), runs=0)
