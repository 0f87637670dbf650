"""OpenVINOSegmentor on a float OpenVINO IR of the small SegNet: the IR's
recorded preprocessing and classes against the config's, and what it hands
back through mmseg's inference, next to PyTorch."""
import pytest
import torch

from mmseg.apis import inference_model
from segnet_mm.apis import init_segmentor
from segnet_mm.datasets import CamVidDataset
from segnet_mm.deployment import OpenVINOSegmentor, export_openvino
from tests.utils import resized_small_config, save_small_checkpoint

pytest.importorskip(
    'openvino', reason='OpenVINO back end not installed (pip install -e '
    '.[openvino])')

SHAPE = (48, 64)  # the IR's; the synthetic frames are 45x60


@pytest.fixture(scope='module')
def small(tmp_path_factory):
    """(config resizing test images to SHAPE, checkpoint, its float .xml)."""
    tmp = tmp_path_factory.mktemp('openvino_segmentor')
    cfg = resized_small_config(SHAPE)
    ckpt = save_small_checkpoint(tmp / 'small.pth')
    xml = str(tmp / 'small.xml')
    export_openvino(init_segmentor(cfg, ckpt), xml, SHAPE)
    return cfg, ckpt, xml


def test_refuses_other_mean_and_classes(small):
    """Both values of each that differs are named, with the file."""
    cfg, _, xml = small
    cfg = cfg.copy()
    cfg.merge_from_dict({
        'model.data_preprocessor.mean': [0, 0, 0],
        'test_dataloader.dataset.metainfo':
        dict(classes=CamVidDataset.METAINFO['classes'][:10])
    })
    with pytest.raises(ValueError, match='does not fit the config') as err:
        init_segmentor(cfg, xml)
    message = str(err.value)
    assert message.startswith(xml)
    assert 'mean [123.675, 116.28, 103.53] in the file, [0.0, 0.0, 0.0] ' \
        'in model.data_preprocessor.mean' in message
    assert "'Bicyclist'] in the file, ['Sky', " in message
    assert "'Pedestrian'] in the test dataset's classes" in message


def test_predicts_like_pytorch_at_the_original_size(small, camvid_root):
    """A 45x60 frame resized to the IR's 48x64 by the test pipeline: the
    prediction comes back at 45x60, the same as PyTorch's."""
    cfg, ckpt, xml = small
    image = str(camvid_root / 'val' / 'val_000.png')
    model = init_segmentor(cfg, xml)
    assert isinstance(model, OpenVINOSegmentor)
    result = inference_model(model, image)
    assert result.pred_sem_seg.data.shape == (1, 45, 60)
    assert result.seg_logits.data.shape == (11, 45, 60)
    ours = inference_model(init_segmentor(cfg, ckpt), image)
    agree = (result.pred_sem_seg.data == ours.pred_sem_seg.data).float()
    assert agree.mean() >= 0.999
    assert torch.allclose(result.seg_logits.data, ours.seg_logits.data,
                          atol=1e-4)


def test_wrong_input_size_is_named(small):
    cfg, _, xml = small
    model = init_segmentor(cfg, xml)
    with pytest.raises(ValueError, match='takes 48x64 inputs.*gives 32x32'):
        model(torch.zeros(1, 3, 32, 32), mode='tensor')
    with pytest.raises(NotImplementedError,
                       match='is an OpenVINO model: it can be tested'):
        model.loss(torch.zeros(1, 3, 48, 64), [])
