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


def test_bayesian_segnet_basic_cpu_is_the_benchmark_recipe_in_fp32():
    """The shipped CPU weights' config: the Bayesian SegNet-Basic benchmark
    config with the computed class weights (docs/segnet_family.md), fp32,
    and calibration scored on test; nothing else differs."""
    bench = Config.fromfile(
        REPO_ROOT /
        'configs/benchmark/bayesian-segnet-basic_1xb8-3k_camvid-180x240.py')
    cpu = Config.fromfile(
        REPO_ROOT / 'configs/bayesian-segnet-basic_camvid_cpu.py')
    changed = {'model', 'optim_wrapper', 'val_cfg', 'test_cfg',
               'test_evaluator'}
    assert set(cpu.keys()) == set(bench.keys())
    for key in bench.keys() - changed:
        assert cpu[key] == bench[key], key
    model = cpu.model.to_dict()
    cross_entropy = model['decode_head']['loss_decode'][0]
    assert cross_entropy.pop('class_weight') == [
        0.2794, 0.2018, 4.7889, 0.1491, 1.0000, 0.4235, 3.8464, 1.9798,
        0.7890, 6.3847, 8.8193
    ]
    cross_entropy['class_weight'] = bench.class_weight
    assert model == bench.model.to_dict()
    assert cpu.optim_wrapper == dict(bench.optim_wrapper, type='OptimWrapper')
    for loop in ('val_cfg', 'test_cfg'):
        assert cpu[loop] == dict(bench[loop], fp16=False)
    assert cpu.test_evaluator == [
        *bench.test_evaluator, dict(type='CalibrationMetric')
    ]
