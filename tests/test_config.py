"""Every config loads with mmengine and builds with mmseg's registries."""
import pytest
from mmengine.config import Config

from mmseg.registry import DATASETS, MODELS
from tests.conftest import REPO_ROOT

CONFIGS = sorted(p for p in (REPO_ROOT / 'configs').rglob('*.py')
                 if '_base_' not in p.parts)


def test_configs_found():
    names = {p.name for p in CONFIGS}
    assert {'segnet_camvid.py', 'segnet_cityscapes.py',
            'segnet_camvid_cpu.py'} <= names


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: p.name)
def test_config_builds(path):
    cfg = Config.fromfile(path)
    assert cfg.default_scope == 'mmseg'
    model = MODELS.build(cfg.model)
    assert model.decode_head.num_classes in (11, 19)
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        assert cfg[key].dataset.type in DATASETS


def test_camvid_recipe():
    cfg = Config.fromfile(REPO_ROOT / 'configs/segnet_camvid.py')
    head = cfg.model.decode_head
    assert head.num_classes == 11
    assert head.loss_decode.class_weight == [
        0.2595, 0.1826, 4.5640, 0.1417, 0.9051, 0.3826, 9.6446, 1.8418,
        0.6823, 6.2478, 7.3614
    ]
    assert cfg.optim_wrapper.optimizer.momentum == 0.9
    assert cfg.optim_wrapper.optimizer.weight_decay == 5e-4
    assert cfg.train_cfg.max_iters == 40000
    assert cfg.val_evaluator.type == 'IoUMetric'


def test_cityscapes_recipe():
    cfg = Config.fromfile(REPO_ROOT / 'configs/segnet_cityscapes.py')
    assert cfg.model.decode_head.num_classes == 19
    assert cfg.model.backbone.norm_cfg.type == 'SyncBN'
    assert cfg.crop_size == (512, 1024)
    assert cfg.train_dataloader.dataset.type == 'CityscapesDataset'
    assert cfg.train_dataloader.num_workers == 8


def test_cpu_recipe_within_yardstick_budget():
    """At most 3000 x 8 x 180 x 240 training pixels, bf16 + channels-last."""
    cfg = Config.fromfile(REPO_ROOT / 'configs/segnet_camvid_cpu.py')
    crop = next(t['crop_size'] for t in cfg.train_dataloader.dataset.pipeline
                if t['type'] == 'RandomCrop')
    pixels = cfg.train_cfg.max_iters * cfg.train_dataloader.batch_size * \
        crop[0] * crop[1]
    assert pixels <= 3000 * 8 * 180 * 240
    assert cfg.optim_wrapper.type == 'BF16AmpOptimWrapper'
    assert dict(type='ChannelsLastHook') in cfg.custom_hooks
    model = MODELS.build(cfg.model)
    params = sum(p.numel() for p in model.parameters())
    assert abs(params - 29.45e6) / 29.45e6 < 0.005
