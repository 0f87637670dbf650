import cv2
import numpy as np
import pytest
from mmengine.config import Config

from segnet_mm.utils import ConfigCheckError, check_config
from tests.conftest import REPO_ROOT
from tests.utils import run_tool


def camvid_cfg(root=None, name='segnet_camvid.py'):
    cfg = Config.fromfile(REPO_ROOT / 'configs' / name)
    if root is not None:
        cfg.train_dataloader.dataset.data_root = str(root)
    return cfg


def test_shipped_configs_pass(camvid_root):
    for name in ('segnet_camvid.py', 'segnet_camvid_cpu.py'):
        check_config(camvid_cfg(camvid_root, name))


@pytest.mark.parametrize('size,divisor,given',
                         [(None, None, 'neither is'),
                          ((360, 480), 32, 'both are')])
def test_preprocessor_needs_size_or_divisor(size, divisor, given):
    cfg = camvid_cfg()
    cfg.model.data_preprocessor.size = size
    cfg.model.data_preprocessor.size_divisor = divisor
    with pytest.raises(ConfigCheckError,
                       match=rf'model.data_preprocessor needs exactly one of '
                       rf'size .* {given} set'):
        check_config(cfg)
    cfg.model.data_preprocessor.size = None
    cfg.model.data_preprocessor.size_divisor = 32
    check_config(cfg)


def test_num_classes_mismatch():
    cfg = camvid_cfg()
    cfg.model.decode_head.num_classes = 12
    with pytest.raises(ConfigCheckError,
                       match=r'model.decode_head.num_classes is 12 .* 11'):
        check_config(cfg)


def test_num_classes_follows_metainfo_override():
    cfg = camvid_cfg()
    cfg.train_dataloader.dataset.metainfo = dict(classes=('Sky', 'Road'))
    with pytest.raises(ConfigCheckError, match='has 2 classes'):
        check_config(cfg)


def test_class_weight_length():
    cfg = camvid_cfg()
    cfg.model.decode_head.loss_decode.class_weight = [1.0] * 10
    with pytest.raises(ConfigCheckError,
                       match=r'loss_decode\[0\].class_weight has 10 weights'):
        check_config(cfg)


def unpadded_cpu_recipe(root, image_shape):
    """The CPU recipe training on one image of ``image_shape`` (H, W) below
    ``root``, its batches padded to a multiple of 32 only; and its
    RandomResize step."""
    (root / 'train').mkdir()
    cv2.imwrite(str(root / 'train' / 'a.png'),
                np.zeros((*image_shape, 3), np.uint8))
    cfg = camvid_cfg(root, 'segnet_camvid_cpu.py')
    cfg.model.data_preprocessor.size = None
    cfg.model.data_preprocessor.size_divisor = 32
    pipeline = cfg.train_dataloader.dataset.pipeline
    return cfg, next(t for t in pipeline if t['type'] == 'RandomResize')


def test_crop_larger_than_images_without_padding(tmp_path):
    cfg, resize = unpadded_cpu_recipe(tmp_path, (100, 120))
    cfg.train_dataloader.dataset.pipeline.remove(resize)
    with pytest.raises(ConfigCheckError,
                       match=r'\(180, 240\) is larger .*\(100, 120\)'):
        check_config(cfg)
    cfg.model.data_preprocessor.size = (180, 240)  # padding makes it fine
    cfg.model.data_preprocessor.size_divisor = None
    check_config(cfg)


def test_crop_check_uses_the_smallest_random_resize(tmp_path):
    """360x480 images, RandomResize to (480, 360) times ratio_range, a
    180x240 crop: only the range's low end decides whether it fits."""
    cfg, resize = unpadded_cpu_recipe(tmp_path, (360, 480))
    assert resize.scale == (480, 360) and resize.keep_ratio
    resize.ratio_range = (0.5, 1.0)  # down to 180x240 exactly: fits
    check_config(cfg)
    resize.ratio_range = (0.4, 1.0)  # down to 144x192
    with pytest.raises(ConfigCheckError,
                       match=r'\(180, 240\) is larger .*\(144, 192\)'):
        check_config(cfg)


def test_train_cli_rejects_bad_config(tmp_path):
    printed = run_tool('tools/train.py', 'configs/segnet_camvid.py',
                       '--work-dir', tmp_path, '--cfg-options',
                       'model.decode_head.num_classes=5', fails=True)
    assert 'ConfigCheckError: model.decode_head.num_classes is 5' in printed


def test_flip_tta_pipeline_keeps_test_resolution():
    from segnet_mm.utils import flip_tta_pipeline
    cfg = camvid_cfg(name='segnet_camvid_cpu.py')
    tta = flip_tta_pipeline(cfg.test_dataloader.dataset.pipeline)
    assert tta[0]['type'] == 'LoadImageFromFile'
    steps = tta[1]['transforms']
    assert steps[0] == [dict(type='Resize', scale=(360, 270), keep_ratio=True)]
    assert [t['prob'] for t in steps[1]] == [0., 1.]
    assert steps[2:] == [[dict(type='LoadAnnotations')],
                         [dict(type='PackSegInputs')]]


def test_binary_boundary_head_is_not_held_to_the_classes():
    """STDC's detail head predicts boundary / not (2 classes) by design;
    any other head with 2 classes still fails."""
    cfg = camvid_cfg(name='benchmark/stdc1_1xb8-3k_camvid-180x240.py')
    check_config(cfg)
    cfg.model.auxiliary_head[0].num_classes = 2
    with pytest.raises(ConfigCheckError,
                       match=r'auxiliary_head\[0\].num_classes is 2'):
        check_config(cfg)
