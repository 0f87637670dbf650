"""Static int8 quantization through PyTorch's PT2E flow (torchao's x86
Inductor quantizer, run by ``torch.compile``): integer kernels after
compilation, agreement with float on the small SegNet, exact pooling on
tied windows, the saved program's metadata."""
import itertools
import re
import sys
from collections import Counter

import mmcv
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch._inductor.utils import run_and_get_code

from segnet_mm.apis import init_segmentor
from segnet_mm.deployment.onnx_export import prepare_input
from segnet_mm.deployment.pt2e_quantization import (compile_pt2e_int8,
                                                    load_pt2e_int8,
                                                    pt2e_int8_program,
                                                    quantize_pt2e_int8)
from segnet_mm.models.utils import max_pool2x2, max_unpool2x2
from tests.data_utils import write_synthetic_camvid
from tests.utils import (BAYESIAN_CONFIG, save_small_checkpoint,
                         sharpened_bayesian_checkpoint, small_config)

pytest.importorskip(
    'torchao',
    reason='PT2E int8 needs torchao (pip install -e .[pt2e], '
    'torchao==0.18.0)')

SHAPE = (48, 64)


def _kernels(compiled, inputs):
    """(output, Counter of the torch.ops the compiled code calls)."""
    with torch.no_grad():
        out, code = run_and_get_code(compiled, inputs)
    calls = re.findall(r'torch\.ops\.(\w+\.\w+)', '\n'.join(code))
    return out, Counter(calls)


def _train(model, root, steps=100):
    """Fit ``model`` to the synthetic train frames (Adam), so that its
    logits separate the classes as a trained model's do (a fresh model's
    near-equal logits make any agreement figure meaningless)."""
    images = sorted((root / 'train').glob('*.png'))
    inputs = torch.cat([prepare_input(model, SHAPE, str(i)) for i in images])
    labels = torch.stack([
        torch.from_numpy(mmcv.imread(str(label), 'unchanged')).long()
        for label in sorted((root / 'trainannot').glob('*.png'))
    ])
    labels = labels.masked_fill(labels == 11, 255)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.02)
    model.train()
    for _ in range(steps):
        loss = F.cross_entropy(
            model(inputs, mode='tensor'), labels, ignore_index=255)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model.eval()


@pytest.fixture(scope='module')
def small_int8(tmp_path_factory):
    """(float model, compiled int8 program, the ops its code calls,
    metadata, camvid root) of the small SegNet trained on synthetic
    frames."""
    tmp = tmp_path_factory.mktemp('pt2e')
    root = write_synthetic_camvid(tmp / 'camvid', size=SHAPE)
    torch.manual_seed(0)
    model = init_segmentor(small_config(),
                           save_small_checkpoint(tmp / 'small.pth'))
    model = _train(model, root)
    images = [str(p) for p in sorted((root / 'train').glob('*.png'))]
    out = quantize_pt2e_int8(model, tmp / 'small_int8.pt2', images, SHAPE)
    program, meta = load_pt2e_int8(out)
    compiled = compile_pt2e_int8(program)
    # The first call compiles: the code is only seen there.
    _, calls = _kernels(compiled, prepare_input(model, SHAPE, images[0]))
    return model, compiled, calls, meta, root


def test_pt2e_int8_is_integer_after_compile(small_int8):
    model, _, calls, _, _ = small_int8
    convs = sum(isinstance(m, nn.Conv2d) for m in model.modules())
    assert calls['onednn.qconv_pointwise'] == convs
    assert calls['quantized.max_pool2d'] == len(model.backbone.stages)
    assert not any('convolution' in name for name in calls), calls


def test_pt2e_int8_agrees_with_float(small_int8):
    model, compiled, _, _, root = small_int8
    for image in sorted((root / 'val').glob('*.png')):
        inputs = prepare_input(model, SHAPE, str(image))
        with torch.no_grad():
            ours = model(inputs, mode='tensor').argmax(1)
            theirs = compiled(inputs).argmax(1)
        assert (ours == theirs).float().mean() >= 0.98, image


def test_pt2e_int8_metadata(small_int8):
    model, _, _, meta, _ = small_int8
    assert meta['quantization'] == 'int8'
    assert meta['shape'] == str(list(SHAPE))
    assert meta['bgr_to_rgb'] == 'True'
    assert meta['classes'] == str(list(model.dataset_meta['classes']))
    assert set(meta) >= {'input', 'mean', 'std'}


class PoolUnpool(nn.Module):
    """1x1 conv with positive weights, ReLU, SegNet's pooling with window
    codes, unpooling: equal input pixels stay equal (ties)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 1, bias=False)
        nn.init.uniform_(self.conv.weight, 0.5, 1.0)
        # In place, as mmcv's ConvModule has it (the x86 quantizer leaves
        # the pooling of a plain F.relu in float).
        self.act = nn.ReLU(inplace=True)

    def forward(self, x):
        pooled = max_pool2x2(self.act(self.conv(x)))
        return max_unpool2x2(pooled.feat, pooled.indices, pooled.size)


def _all_windows():
    """(1, 3, 18, 18): the 81 2x2 windows of levels {0, 1, 2}, every
    tie among them, the same level in the 3 channels."""
    windows = torch.tensor(list(itertools.product(range(3), repeat=4)),
                           dtype=torch.float32).view(9, 9, 2, 2)
    plane = windows.permute(0, 2, 1, 3).reshape(18, 18)
    return plane.expand(1, 3, 18, 18).contiguous()


def test_pt2e_int8_pooling_exact_on_tied_windows():
    torch.manual_seed(0)
    module = PoolUnpool().eval()
    x = _all_windows()
    program = pt2e_int8_program(module, [x])
    out, calls = _kernels(compile_pt2e_int8(program), x)
    assert calls['onednn.qconv_pointwise'] == 1
    assert calls['quantized.max_pool2d'] == 1
    with torch.no_grad():
        feat = F.relu(module.conv(x))
    pooled, indices = F.max_pool2d(feat, 2, 2, return_indices=True)
    expected = F.max_unpool2d(pooled, indices, 2, 2)
    # The same kept positions, ties included (the values may differ: the
    # histogram observer can clip the largest level).
    assert torch.equal(out != 0, expected != 0)


def test_pt2e_float_input_conv_keeps_the_first_conv_float():
    module = PoolUnpool().eval()
    program = pt2e_int8_program(module, [_all_windows()],
                                float_input_conv=True)
    conv = next(node for node in program.graph.nodes
                if node.target is torch.ops.aten.conv2d.default)
    assert conv.args[0].op == 'placeholder'
    assert 'dequantize' not in str(conv.args[1].target)


def test_pt2e_refuses_what_it_can_not_keep_exact(tmp_path):
    model = init_segmentor(
        small_config(BAYESIAN_CONFIG),
        sharpened_bayesian_checkpoint(tmp_path / 'small.pth'))
    with pytest.raises(ValueError, match='mc_samples=1'):
        quantize_pt2e_int8(model, tmp_path / 'x.pt2', [], SHAPE)
    model.mc_samples = 1
    model.backbone.window_codes = 'flat'
    with pytest.raises(ValueError, match="window_codes='compare'"):
        quantize_pt2e_int8(model, tmp_path / 'x.pt2', [], SHAPE)


def test_pt2e_names_the_missing_extra(monkeypatch):
    for name in [m for m in sys.modules if m.split('.')[0] == 'torchao']:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, 'torchao', None)
    with pytest.raises(ImportError, match=r'pip install -e \.\[pt2e\]'):
        pt2e_int8_program(PoolUnpool(), [_all_windows()])
