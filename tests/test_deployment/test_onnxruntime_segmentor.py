"""ONNXRuntimeSegmentor on a float export of the small SegNet: the file's
recorded preprocessing and classes against the config's, and what it feeds
the graph and hands back through mmseg's inference."""
import mmcv
import numpy as np
import onnx
import pytest

from mmseg.apis import inference_model
from segnet_mm.apis import init_segmentor
from segnet_mm.datasets import CamVidDataset
from segnet_mm.deployment import export_onnx
from tests.utils import resized_small_config, save_small_checkpoint

SHAPE = (48, 64)  # the graph's; the synthetic frames are 45x60
MEAN = np.array([123.675, 116.28, 103.53], np.float32)
STD = np.array([58.395, 57.12, 57.375], np.float32)


@pytest.fixture
def small(tmp_path):
    """(config resizing test images to SHAPE, checkpoint, its .onnx)."""
    cfg = resized_small_config(SHAPE)
    ckpt = save_small_checkpoint(tmp_path / 'small.pth')
    onnx_file = str(tmp_path / 'small.onnx')
    export_onnx(init_segmentor(cfg, ckpt), onnx_file, SHAPE)
    return cfg, ckpt, onnx_file


@pytest.mark.parametrize('key, value, expected', [
    ('model.data_preprocessor.bgr_to_rgb', False,
     'bgr_to_rgb True in the file, False in '
     'model.data_preprocessor.bgr_to_rgb'),
    ('model.data_preprocessor.mean', [0, 0, 0],
     'mean [123.675, 116.28, 103.53] in the file, [0.0, 0.0, 0.0] in '
     'model.data_preprocessor.mean'),
    ('model.data_preprocessor.std', [1, 1, 1],
     'std [58.395, 57.12, 57.375] in the file, [1.0, 1.0, 1.0] in '
     'model.data_preprocessor.std'),
    ('test_dataloader.dataset.metainfo',
     dict(classes=CamVidDataset.METAINFO['classes'][:10]),
     "'Bicyclist'] in the file, ['Sky', "),
])
def test_refuses_a_config_the_file_was_not_exported_for(
        small, key, value, expected):
    cfg, _, onnx_file = small
    cfg.merge_from_dict({key: value})
    with pytest.raises(ValueError, match='does not fit the config') as err:
        init_segmentor(cfg, onnx_file)
    assert onnx_file in str(err.value) and expected in str(err.value)


def test_refuses_a_file_without_the_metadata(small, tmp_path):
    cfg, _, onnx_file = small
    proto = onnx.load(onnx_file)
    kept = [p for p in proto.metadata_props if p.key != 'bgr_to_rgb']
    del proto.metadata_props[:]
    proto.metadata_props.extend(kept)
    stripped = str(tmp_path / 'stripped.onnx')
    onnx.save(proto, stripped)
    with pytest.raises(ValueError,
                       match=f"{stripped} records no 'bgr_to_rgb'"):
        init_segmentor(cfg, stripped)


class _Recorder:
    """A session that keeps what it is fed."""

    def __init__(self, session):
        self.session = session
        self.fed = []

    def run(self, names, feeds):
        self.fed.extend(feeds.values())
        return self.session.run(names, feeds)


def test_feeds_rgb_and_predicts_at_the_original_size(small, camvid_root):
    """A 45x60 BGR frame, resized to the graph's 48x64 by the test pipeline:
    the graph gets it in RGB, normalised, and the prediction comes back at
    45x60, the same as PyTorch's."""
    cfg, ckpt, onnx_file = small
    image = str(camvid_root / 'val' / 'val_000.png')
    bgr = mmcv.imread(image)
    assert bgr.shape[:2] == (45, 60)
    model = init_segmentor(cfg, onnx_file)
    model.session = _Recorder(model.session)
    result = inference_model(model, image)

    resized = mmcv.imresize(bgr, SHAPE[::-1]).astype(np.float32)
    expected = ((resized[..., ::-1] - MEAN) / STD).transpose(2, 0, 1)
    assert len(model.session.fed) == 1
    assert np.allclose(model.session.fed[0][0], expected, atol=1e-5)
    assert result.pred_sem_seg.data.shape == (1, 45, 60)
    assert result.seg_logits.data.shape == (11, 45, 60)
    ours = inference_model(init_segmentor(cfg, ckpt), image)
    agree = (result.pred_sem_seg.data == ours.pred_sem_seg.data).float()
    assert agree.mean() >= 0.999
