"""init_segmentor, find_images, colorize, segment_images, and mmseg's own
MMSegInferencer on our config and checkpoint."""
import mmcv
import numpy as np
import pytest
import torch

from mmseg.apis import MMSegInferencer, inference_model
from segnet_mm.apis import find_images, init_segmentor, segment_images
from segnet_mm.apis.inference import colorize
from segnet_mm.datasets import CamVidDataset
from tests.utils import (CONFIG, SMALL_MODEL, cfg_options,
                         save_small_checkpoint, small_config)

CAMVID_META = CamVidDataset.METAINFO


@pytest.fixture
def checkpoint(tmp_path):
    return save_small_checkpoint(tmp_path / 'small.pth')


def small_segmentor(checkpoint, **overrides):
    return init_segmentor(CONFIG, checkpoint, 'cpu',
                          {**cfg_options(SMALL_MODEL), **overrides})


def test_init_segmentor_loads_weights_and_meta(checkpoint):
    model = small_segmentor(checkpoint)
    assert not model.training
    assert model.dataset_meta['classes'] == CAMVID_META['classes']
    assert model.dataset_meta['palette'] == CAMVID_META['palette']
    saved = torch.load(checkpoint, weights_only=True)['state_dict']
    assert saved.keys() == model.state_dict().keys()
    for key, value in model.state_dict().items():
        assert torch.equal(value, saved[key]), key
    # Weights for another model are refused, not half loaded.
    with pytest.raises(RuntimeError, match='size mismatch for decode_head'):
        small_segmentor(checkpoint, **{'model.decode_head.num_classes': 5})


def test_init_segmentor_meta_from_config_dataset(tmp_path):
    ckpt = save_small_checkpoint(tmp_path / 'bare.pth', with_meta=False)
    model = small_segmentor(ckpt)
    assert model.dataset_meta['classes'] == CAMVID_META['classes']
    assert model.dataset_meta['palette'] == CAMVID_META['palette']
    with pytest.raises(ValueError, match="test_dataloader.dataset.type="
                       "'BaseSegDataset'"):
        small_segmentor(
            ckpt, **{'test_dataloader.dataset.type': 'BaseSegDataset'})


def test_find_images(tmp_path):
    with pytest.raises(FileNotFoundError, match=str(tmp_path / 'nope')):
        find_images(tmp_path / 'nope')
    (tmp_path / 'notes.txt').write_text('not an image')
    with pytest.raises(FileNotFoundError, match=f'no images .* in {tmp_path}'):
        find_images(tmp_path)
    for name in ('b.png', 'a.JPG'):
        (tmp_path / name).write_bytes(b'')
    assert find_images(tmp_path) == [
        str(tmp_path / 'a.JPG'), str(tmp_path / 'b.png')
    ]
    assert find_images(tmp_path / 'b.png') == [str(tmp_path / 'b.png')]
    (tmp_path / 'b.jpg').write_bytes(b'')
    with pytest.raises(ValueError, match='share a name.*b.jpg, .*b.png'):
        find_images(tmp_path)


def test_colorize():
    palette = [[1, 2, 3], [4, 5, 6]]
    out = colorize(np.array([[0, 1], [1, 1]]), palette)
    assert out.dtype == np.uint8 and out.shape == (2, 2, 3)
    assert out[0, 0].tolist() == [1, 2, 3] and out[1, 1].tolist() == [4, 5, 6]
    with pytest.raises(ValueError, match='label 2 has no colour'):
        colorize(np.array([[2]]), palette)


def test_segment_images_writes_mask_and_overlay(tmp_path, camvid_root,
                                                checkpoint):
    model = small_segmentor(checkpoint)
    images = find_images(camvid_root / 'val')
    assert len(images) == 4
    with pytest.raises(ValueError, match='opacity must be in'):
        segment_images(model, images, tmp_path / 'out', opacity=0)
    written = segment_images(model, images, tmp_path / 'out', opacity=0.5)
    assert [(m.split('/')[-1], o.split('/')[-1]) for m, o in written] == [
        (f'val_{i:03d}_mask.png', f'val_{i:03d}_overlay.png')
        for i in range(4)
    ]
    for image, (mask_file, overlay_file) in zip(images, written):
        pred = inference_model(model, image).pred_sem_seg.data[0].numpy()
        mask = mmcv.imread(mask_file, channel_order='rgb')
        assert np.array_equal(mask, colorize(pred, CAMVID_META['palette']))
        img = mmcv.imread(image, channel_order='rgb')
        overlay = mmcv.imread(overlay_file, channel_order='rgb')
        assert overlay.shape == img.shape
        # 50% of the image + 50% of the mask, up to rounding.
        blend = 0.5 * img.astype(float) + 0.5 * mask.astype(float)
        assert np.abs(overlay - blend).max() <= 1


def test_mmseg_inferencer_runs_our_model(tmp_path, camvid_root, checkpoint):
    image = str(camvid_root / 'val' / 'val_000.png')
    inferencer = MMSegInferencer(
        model=small_config(), weights=str(checkpoint), device='cpu')
    out = inferencer(image, out_dir=str(tmp_path / 'inferencer'))
    ours = inference_model(small_segmentor(checkpoint), image)
    assert np.array_equal(out['predictions'],
                          ours.pred_sem_seg.data[0].numpy())
    assert (tmp_path / 'inferencer' / 'vis' / 'val_000.png').is_file()
    assert (tmp_path / 'inferencer' / 'pred' / '00000000_pred.png').is_file()
    assert inferencer.model.dataset_meta['classes'] == CAMVID_META['classes']


def test_dataset_meta_from_config_follows_class_subset():
    from mmengine.config import Config

    from segnet_mm.apis.inference import dataset_meta_from_config
    from segnet_mm.datasets import CamVidDataset
    from tests.conftest import REPO_ROOT
    cfg = Config.fromfile(REPO_ROOT / 'configs/segnet_camvid.py')
    full = dataset_meta_from_config(cfg)
    assert full['classes'] == CamVidDataset.METAINFO['classes']
    cfg.test_dataloader.dataset.metainfo = dict(classes=('Road', 'Sky'))
    subset = dataset_meta_from_config(cfg)
    assert subset['classes'] == ('Road', 'Sky')
    assert subset['palette'] == [[128, 64, 128], [128, 128, 128]]
