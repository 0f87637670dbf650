"""ONNX export of the index-unpooling SegNet, checked with onnxruntime."""
from pathlib import Path

import mmcv
import numpy as np
import onnx  # setup.py's onnx extra, installed by the set-up command
import pytest
import torch

from segnet_mm.apis import init_segmentor
from segnet_mm.deployment import check_onnx, export_onnx, quantize_int8
from segnet_mm.deployment.onnx_export import prepare_input
from tests.utils import (BAYESIAN_CONFIG, CONFIG, SMALL_MODEL, cfg_options,
                         save_small_checkpoint)


@pytest.fixture
def model(tmp_path):
    ckpt = save_small_checkpoint(tmp_path / 'small.pth')
    return init_segmentor(CONFIG, ckpt, 'cpu', cfg_options(SMALL_MODEL))


def test_export_matches_pytorch_on_odd_stage_sizes(tmp_path, model):
    """72x96 pools to 9x12 then 4x6: the 9-row stage unpools with a Pad."""
    out = export_onnx(model, str(tmp_path / 'm.onnx'), (72, 96), opset=14)
    assert not model.training
    proto = onnx.load(out)
    onnx.checker.check_model(proto)
    assert proto.opset_import[0].version == 14
    ops = {node.op_type for node in proto.graph.node}
    # Window codes by comparison, unpooling by nearest upsampling: no
    # MaxPool indices, flat-index arithmetic or 6-D Where.
    assert {'MaxPool', 'Slice', 'Equal', 'Resize', 'Mul', 'Pad'} <= ops
    assert not ops & {'MaxUnpool', 'Where', 'Div', 'Mod'}
    assert all(len(node.output) == 1 for node in proto.graph.node
               if node.op_type == 'MaxPool')
    props = {p.key: p.value for p in proto.metadata_props}
    assert props['mean'] == '[123.675, 116.28, 103.53]'
    assert props['bgr_to_rgb'] == 'True'
    assert props['input'].startswith('(1, 3, H, W) float32, RGB')
    assert 'Bicyclist' in props['classes']

    check = check_onnx(model, out, prepare_input(model, (72, 96)))
    assert check.shape == (72, 96)
    assert check.agreement >= 0.999
    assert check.max_abs_diff <= 1e-5 * max(1.0, check.max_abs_logit)


def test_export_on_real_camvid_frame(tmp_path, model, shared_camvid):
    image = sorted((shared_camvid / 'val').glob('*.png'))[0]
    out = export_onnx(model, str(tmp_path / 'm.onnx'), (360, 480))
    check = check_onnx(model, out, prepare_input(model, (360, 480),
                                                 str(image)))
    assert check.shape == (360, 480)
    assert check.agreement >= 0.999


def test_prepare_input(tmp_path, model, camvid_root):
    image = camvid_root / 'val' / 'val_000.png'
    inputs = prepare_input(model, (64, 96), str(image))
    assert inputs.shape == (1, 3, 64, 96)
    bgr = mmcv.imresize(mmcv.imread(str(image)), (96, 64)).astype(np.float32)
    mean = np.array([123.675, 116.28, 103.53], np.float32)
    std = np.array([58.395, 57.12, 57.375], np.float32)
    expected = (bgr[..., ::-1] - mean) / std
    assert np.allclose(inputs[0].permute(1, 2, 0).numpy(), expected,
                       atol=1e-5)
    assert torch.equal(prepare_input(model, (64, 96)),
                       prepare_input(model, (64, 96)))
    with pytest.raises(FileNotFoundError, match='missing.png'):
        prepare_input(model, (64, 96), str(tmp_path / 'missing.png'))


def test_export_rejects_bad_arguments(tmp_path, model):
    with pytest.raises(ValueError, match='opset must be >= 14, got 13'):
        export_onnx(model, str(tmp_path / 'm.onnx'), (64, 96), opset=13)
    with pytest.raises(ValueError, match=r'shape must be \(H, W\)'):
        export_onnx(model, str(tmp_path / 'm.onnx'), (64, ))
    model.backbone.compact_indices = False
    with pytest.raises(ValueError, match='compact_indices=False'):
        export_onnx(model, str(tmp_path / 'm.onnx'), (64, 96))


def test_export_refuses_mc_dropout(tmp_path, camvid_root):
    """A graph is one pass with dropout off: MC dropout (mc_samples > 1) is
    refused by export and quantization, weight averaging exports."""
    ckpt = save_small_checkpoint(tmp_path / 'bayes.pth',
                                 config=BAYESIAN_CONFIG)
    model = init_segmentor(BAYESIAN_CONFIG, ckpt, 'cpu',
                           cfg_options(SMALL_MODEL))
    assert model.mc_samples == 16
    out = tmp_path / 'm.onnx'
    message = ('model.mc_samples=16: .* set model.mc_samples=1 in the config '
               r'\(weight averaging\)')
    with pytest.raises(ValueError, match=message):
        export_onnx(model, str(out), (32, 48))
    with pytest.raises(ValueError, match=message):
        quantize_int8(model, out, [str(camvid_root / 'train' /
                                       'train_000.png')], (32, 48))
    assert not out.exists()
    averaging = init_segmentor(
        BAYESIAN_CONFIG, ckpt, 'cpu',
        cfg_options(SMALL_MODEL + ['model.mc_samples=1']))
    assert export_onnx(averaging, str(out), (32, 48)) == str(out)


def test_model_is_written_only_if_accepted(tmp_path):
    """A deployed model (an OpenVINO IR's .xml and .bin) takes --out's place
    when its check passes; when the check refuses it, nothing is written and
    a model already at --out stays as it was."""
    from segnet_mm.deployment.onnx_export import (AgreementError, OnnxCheck,
                                                  written_if_accepted)
    out = tmp_path / 'm.xml'
    with written_if_accepted(out) as unchecked:
        for suffix in ('.xml', '.bin'):
            Path(unchecked).with_suffix(suffix).write_text('accepted')
        OnnxCheck(0.9, 0.1, 1.0, (4, 4)).require(0.9, 2)
    with pytest.raises(AgreementError, match='agreement 0.90 is below '
                       'min_agreement 0.95: the model is not written'):
        with written_if_accepted(out) as unchecked:
            for suffix in ('.xml', '.bin'):
                Path(unchecked).with_suffix(suffix).write_text('refused')
            OnnxCheck(0.9, 0.1, 1.0, (4, 4)).require(0.95, 2)
    assert out.read_text() == 'accepted'
    assert out.with_suffix('.bin').read_text() == 'accepted'
    assert sorted(p.name for p in tmp_path.iterdir()) == ['m.bin', 'm.xml']
