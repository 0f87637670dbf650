"""Static int8 quantization (ONNX Runtime) of a small SegNet-Basic trained
here on synthetic frames, so its logits separate the classes as a trained
model's do (a fresh model's near-equal logits would make any agreement
figure meaningless)."""
from collections import Counter

import mmcv
import numpy as np
import onnx
import onnxruntime as ort
import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config

from mmseg.registry import MODELS
from segnet_mm.apis import init_segmentor
from segnet_mm.datasets import CamVidDataset
from segnet_mm.deployment import check_onnx, quantize_int8
from segnet_mm.deployment.onnx_export import prepare_input
from segnet_mm.deployment.onnxruntime_segmentor import onnxruntime_session
from segnet_mm.deployment.quantization import (calibration_images,
                                               held_out_image,
                                               int8_cpu_support)
from segnet_mm.models.utils import first_max_codes
from tests.conftest import REPO_ROOT
from tests.data_utils import write_synthetic_camvid
from tests.utils import cfg_options

BASIC = REPO_ROOT / 'configs' / 'segnet-basic_camvid.py'
SMALL_BASIC = cfg_options([
    'model.backbone.channels=(8,8,8,8)',
    'model.decode_head.in_channels=(8,8,8,8)',
    'model.decode_head.channels=8'
])
SHAPE = (48, 64)


def _batch(model, images, labels):
    inputs = torch.cat([prepare_input(model, SHAPE, i) for i in images])
    targets = torch.stack([
        torch.from_numpy(
            mmcv.imresize(
                mmcv.imread(str(label), 'unchanged'), SHAPE[::-1],
                interpolation='nearest')).long() for label in labels
    ])
    return inputs, targets.masked_fill(targets == 11, 255)


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
    """(config, checkpoint, camvid root) of a SegNet-Basic with 8 channels,
    100 Adam steps on 4 synthetic frames (train val fits: >= 95%)."""
    tmp = tmp_path_factory.mktemp('int8')
    root = write_synthetic_camvid(tmp / 'camvid', size=SHAPE)
    cfg = Config.fromfile(BASIC)
    cfg.merge_from_dict(SMALL_BASIC)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    images = sorted((root / 'train').glob('*.png'))
    labels = sorted((root / 'trainannot').glob('*.png'))
    inputs, targets = _batch(model, images, labels)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.02)
    model.train()
    for _ in range(100):
        loss = F.cross_entropy(
            model(inputs, mode='tensor'), targets, ignore_index=255)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        pred = model(inputs, mode='tensor').argmax(1)
    valid = targets != 255
    assert (pred[valid] == targets[valid]).float().mean() >= 0.95
    ckpt = tmp / 'basic.pth'
    torch.save(
        dict(
            state_dict=model.state_dict(),
            meta=dict(dataset_meta=dict(CamVidDataset.METAINFO))), ckpt)
    return cfg, ckpt, root


@pytest.fixture(scope='module')
def int8_model(trained, tmp_path_factory):
    cfg, ckpt, root = trained
    model = init_segmentor(cfg, ckpt)
    out = tmp_path_factory.mktemp('int8_out') / 'basic_int8.onnx'
    quantize_int8(model, out, calibration_images(root / 'train', 4), SHAPE)
    return model, str(out), root


def assert_agrees_with_float(model, int8_file, root):
    """The int8 model gives the float model's class to >= 98% of the
    pixels of each of 4 val frames; their checks."""
    checks = []
    for image in calibration_images(root / 'val', 4):
        check = check_onnx(model, int8_file,
                           prepare_input(model, SHAPE, image))
        assert check.agreement >= 0.98, image
        checks.append(check)
    return checks


def test_int8_agrees_with_float(int8_model):
    assert_agrees_with_float(*int8_model)


def test_int8_graph_quantizes_the_convolutions(int8_model):
    _, int8_file, _ = int8_model
    proto = onnx.load(int8_file)
    ops = [node.op_type for node in proto.graph.node]
    weights = {
        node.input[0] for node in proto.graph.node
        if node.op_type == 'DequantizeLinear'
    }
    inits = {i.name: i for i in proto.graph.initializer}
    conv_weights = [
        node.input[1] for node in proto.graph.node if node.op_type == 'Conv'
    ]
    assert len(conv_weights) == 9  # 4 + 4 stages and the classifier
    # Every conv weight arrives through a DequantizeLinear of int8 values.
    producers = {out: node for node in proto.graph.node
                 for out in node.output}
    for name in conv_weights:
        dq = producers[name]
        assert dq.op_type == 'DequantizeLinear' and dq.input[0] in weights
        assert inits[dq.input[0]].data_type == onnx.TensorProto.INT8
    assert 'QuantizeLinear' in ops
    props = {p.key: p.value for p in proto.metadata_props}
    assert props['quantization'] == 'int8' and 'Bicyclist' in props['classes']


def test_int8_weights_are_per_channel(int8_model):
    """Each conv weight is dequantized with one scale per output channel
    (axis 0), not one scale for the whole tensor."""
    _, int8_file, _ = int8_model
    proto = onnx.load(int8_file)
    inits = {i.name: i for i in proto.graph.initializer}
    producers = {out: node for node in proto.graph.node
                 for out in node.output}
    convs = [node for node in proto.graph.node if node.op_type == 'Conv']
    assert len(convs) == 9
    for conv in convs:
        dq = producers[conv.input[1]]
        out_channels = inits[dq.input[0]].dims[0]
        axis = [a.i for a in dq.attribute if a.name == 'axis']
        assert list(inits[dq.input[1]].dims) == [out_channels], conv.name
        assert axis == [0], conv.name


def optimised_ops(onnx_file: str, options, out_file) -> Counter:
    """Op types of the graph a session with ``options`` runs."""
    options.optimized_model_filepath = str(out_file)
    ort.InferenceSession(onnx_file, options,
                         providers=['CPUExecutionProvider'])
    return Counter(node.op_type for node in onnx.load(out_file).graph.node)


def test_int8_sessions_run_integer_convolutions(trained, int8_model,
                                                tmp_path):
    """What onnxruntime runs, in tools/test.py's segmentor and in the speed
    benchmark: every convolution an integer QLinearConv, none a float Conv
    on dequantized weights (what an unoptimised session runs); with
    ``float_input_conv=True`` all but the first."""
    cfg, _, _ = trained
    _, int8_file, _ = int8_model
    segmentor = init_segmentor(cfg, int8_file)
    sessions = dict(
        segmentor=segmentor.session,
        benchmark=onnxruntime_session(int8_file, 1))
    for name, session in sessions.items():
        ops = optimised_ops(int8_file, session.get_session_options(),
                            tmp_path / f'{name}.onnx')
        assert ops['QLinearConv'] == 9 and ops['Conv'] == 0, (name, ops)
    model, _, root = int8_model
    mixed = quantize_int8(model, tmp_path / 'mixed.onnx',
                          calibration_images(root / 'train', 2), SHAPE,
                          float_input_conv=True)
    ops = optimised_ops(mixed, onnxruntime_session(mixed, 1)
                        .get_session_options(), tmp_path / 'mixed_opt.onnx')
    assert ops['QLinearConv'] == 8 and ops['Conv'] == 1, ops
    first = next(n for n in onnx.load(tmp_path / 'mixed_opt.onnx').graph.node
                 if n.op_type in ('Conv', 'QLinearConv'))
    assert first.op_type == 'Conv'


def test_pooling_indices_come_from_the_quantized_values(int8_model):
    """Every MaxPool of the int8 graph and the window codes the graph
    computes beside it, run with the pooled input exposed: the pooled
    values are the window maxima of what it sees, and the codes are the
    first-max positions of those windows in that same tensor (what
    first_max_codes gives in PyTorch), so the unpooling downstream places
    values where the quantized model's maxima are."""
    model, int8_file, root = int8_model
    proto = onnx.load(int8_file)
    pools = [
        n for n in proto.graph.node if n.op_type == 'MaxPool' and [
            list(a.ints) for a in n.attribute if a.name == 'kernel_shape'
        ] == [[2, 2]]
    ]
    assert len(pools) == 4
    # What each pools is the dequantized int8 activation.
    producers = {out: node for node in proto.graph.node
                 for out in node.output}
    assert all(producers[n.input[0]].op_type == 'DequantizeLinear'
               for n in pools)
    # The codes: the uint8 sums the unpooling upsamples.
    codes = [
        n.input[0] for n in proto.graph.node if n.op_type == 'Resize'
        and producers[n.input[0]].op_type == 'Add'
    ]
    assert len(codes) == 4
    names = [name for n in pools for name in (n.input[0], n.output[0])]
    for name in names + codes:
        proto.graph.output.append(onnx.ValueInfoProto(name=name))
    session = ort.InferenceSession(proto.SerializeToString(),
                                   providers=['CPUExecutionProvider'])
    image = calibration_images(root / 'val', 1)[0]
    results = session.run(
        names + codes,
        {'input': prepare_input(model, SHAPE, image).numpy()})
    by_shape = {r.shape: r for r in results[len(names):]}
    assert len(by_shape) == 4
    ties = 0
    for x, pooled in zip(*[iter(results[:len(names)])] * 2):
        n, c, h, w = pooled.shape
        windows = x[..., :2 * h, :2 * w].reshape(n, c, h, 2, w, 2)
        assert np.array_equal(pooled, windows.max(axis=(3, 5)))
        expected = first_max_codes(
            torch.from_numpy(x), torch.from_numpy(pooled)).numpy()
        assert np.array_equal(by_shape[pooled.shape], expected)
        ties += int(((windows == pooled[:, :, :, None, :, None]).sum(
            axis=(3, 5)) > 1).sum())
    # int8 activations tie often (ReLU zeros): the tie rule is exercised.
    assert ties > 0


def test_int8_cpu_support_reads_cpuinfo(tmp_path):
    info = tmp_path / 'cpuinfo'
    info.write_text('processor\t: 0\nflags\t\t: fpu avx2 avx512_vnni\n'
                    'processor\t: 1\nflags\t\t: fpu avx2 avx512_vnni\n')
    support = int8_cpu_support(info)
    assert support.flags == ('avx512_vnni', ) and support.fast
    info.write_text('flags\t\t: fpu sse avx avx2 fma\n')
    assert not int8_cpu_support(info).fast
    missing = int8_cpu_support(tmp_path / 'none')
    assert not missing.known and not missing.fast


def test_held_out_image(camvid_root):
    train = camvid_root / 'train'
    picks = calibration_images(train, 3)
    assert held_out_image(train, picks) == str(train / 'train_001.png')
    assert held_out_image(train, picks) not in picks
    assert held_out_image(train, calibration_images(train, 4)) is None


def test_calibration_images(tmp_path, camvid_root):
    picks = calibration_images(camvid_root / 'train', 2)
    assert [p.rsplit('/', 1)[1] for p in picks
            ] == ['train_000.png', 'train_003.png']
    assert len(calibration_images(camvid_root / 'train', 100)) == 4
    with pytest.raises(FileNotFoundError, match='no such image'):
        calibration_images(tmp_path / 'missing', 4)
    (tmp_path / 'empty').mkdir()
    with pytest.raises(FileNotFoundError, match='no images'):
        calibration_images(tmp_path / 'empty', 4)
    with pytest.raises(ValueError, match=r'num \(calibration images\) '
                       'must be >= 1, got 0'):
        calibration_images(camvid_root / 'train', 0)
