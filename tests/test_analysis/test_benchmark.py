"""Benchmark measurements: on a small SegNet each measurement runs, and
takes the model, optimizer, loss weights, ignore index and data layout
from the config (CamVid's and Cityscapes')."""
import copy

import numpy as np
import pytest

from mmseg.registry import DATASETS
from mmseg.utils import register_all_modules
from segnet_mm.analysis import benchmark as bm
from tests.conftest import REPO_ROOT
from tests.utils import (assert_convs_ran_as_named, record_convs,
                         small_config, write_small_config)

register_all_modules()


@pytest.fixture(scope='module')
def config(tmp_path_factory):
    return str(write_small_config(tmp_path_factory.mktemp('cfg') /
                                  'small.py'))


@pytest.fixture(scope='module')
def cpu_config(tmp_path_factory):
    """The small SegNet of the CPU recipe (bf16 autocast through
    BF16AmpOptimWrapper, ChannelsLastHook)."""
    return str(
        write_small_config(
            tmp_path_factory.mktemp('cpu') / 'small_cpu.py',
            REPO_ROOT / 'configs/segnet_camvid_cpu.py'))


@pytest.fixture
def convs(monkeypatch):
    return record_convs(monkeypatch)


@pytest.fixture
def cityscapes():
    """The small SegNet of configs/segnet_cityscapes.py (SyncBN, 19
    classes, Cityscapes' layout and pipeline) at 64x128, fp32."""
    cfg = small_config(REPO_ROOT / 'configs/segnet_cityscapes.py')
    for transform in cfg.train_dataloader.dataset.pipeline:
        if transform['type'] == 'RandomResize':
            transform['scale'] = (128, 64)
        elif transform['type'] == 'RandomCrop':
            transform['crop_size'] = (64, 128)
    cfg.model.data_preprocessor.size = (64, 128)
    cfg.train_dataloader.update(batch_size=2, num_workers=0,
                                persistent_workers=False)
    return cfg


def read_train_split(cfg, root):
    dataset = dict(cfg.train_dataloader.dataset, data_root=root,
                   pipeline=[dict(type='LoadImageFromFile'),
                             dict(type='LoadAnnotations')])
    return DATASETS.build(dataset)


def test_macs_and_params(config):
    cost = bm.run_measurement(dict(kind='macs', config=config, shape=[32, 48]))
    assert cost['params'] == cost['inference_params'] > 0
    assert cost['macs'] > 0 and cost['unsupported'] == {}


@pytest.mark.parametrize('bf16_channels_last,compact',
                         [(False, None), (True, True)])
def test_time_forward(config, convs, bf16_channels_last, compact):
    r = bm.run_measurement(
        dict(kind='inference', config=config, shape=[32, 48],
             bf16_channels_last=bf16_channels_last, compact=compact,
             iters=1))
    assert r['seconds'] > 0 and r['peak_mib'] > 0
    assert_convs_ran_as_named(convs, bf16_channels_last)
    assert convs[0].input_channels_last == bf16_channels_last


def test_optimizer_and_class_weights_come_from_the_config(config):
    from mmengine.config import Config
    cfg = Config.fromfile(config)
    cfg.optim_wrapper.optimizer.lr = 0.123
    model = bm.build_model(config, channels_last=False, train=True)
    opt = bm.build_optimizer(cfg, model)
    assert type(opt).__name__ == cfg.optim_wrapper.optimizer.type
    assert opt.defaults['lr'] == 0.123
    assert opt.defaults['momentum'] == cfg.optim_wrapper.optimizer.momentum
    assert bm.decode_loss_class_weight(cfg).tolist() == pytest.approx(
        cfg.model.decode_head.loss_decode.class_weight)


@pytest.mark.parametrize('bf16_channels_last', [False, True])
def test_plain_training_step(config, convs, bf16_channels_last):
    plain = bm.run_measurement(
        dict(kind='plain_train', config=config, shape=[32, 48], batch=2,
             bf16_channels_last=bf16_channels_last, compact=None, iters=1))
    assert plain['seconds'] > 0
    assert_convs_ran_as_named(convs, bf16_channels_last)
    assert convs[0].input_channels_last == bf16_channels_last


@pytest.mark.parametrize('bf16_channels_last', [False, True])
def test_runner_training_step(cpu_config, convs, bf16_channels_last):
    """The CPU recipe through the Runner as it is (bf16, channels-last),
    or turned back into mmengine's fp32 default."""
    runner = bm.run_measurement(
        dict(kind='runner_train', config=cpu_config, shape=[32, 48],
             batch=2, bf16_channels_last=bf16_channels_last, compact=None,
             iters=1, data_shape=[48, 64]))
    assert runner['seconds'] > 0
    assert_convs_ran_as_named(convs, bf16_channels_last)


def test_unknown_kind():
    with pytest.raises(ValueError, match="unknown measurement 'nope'"):
        bm.run_measurement(dict(kind='nope'))


def test_synthetic_train_split_in_the_config_layout(tmp_path, config,
                                                    cityscapes):
    root = bm.write_synthetic_train_split(cityscapes, tmp_path / 'city',
                                          (64, 128), 3)
    assert (tmp_path / 'city/leftImg8bit/train/'
            'synth_000000_leftImg8bit.png').is_file()
    dataset = read_train_split(cityscapes, root)
    assert len(dataset) == 3
    sample = dataset[0]
    assert sample['img'].shape == (64, 128, 3)
    assert set(np.unique(sample['gt_seg_map'])) <= set(range(19))
    # A dataset listing its frames in an ann_file gets one.
    cityscapes.train_dataloader.dataset.ann_file = 'splits/train.txt'
    root = bm.write_synthetic_train_split(cityscapes, tmp_path / 'listed',
                                          (64, 128), 2)
    assert (tmp_path / 'listed/splits/train.txt').read_text().split() == [
        'synth_000000', 'synth_000001'
    ]
    assert len(read_train_split(cityscapes, root)) == 2
    # CamVid's layout, read with its start-up checks.
    camvid = bm._load(config)
    root = bm.write_synthetic_train_split(config, tmp_path / 'camvid',
                                          (32, 48), 2)
    sample = read_train_split(camvid, root)[1]
    assert set(np.unique(sample['gt_seg_map'])) <= set(range(11))


def test_training_steps_on_cityscapes(cityscapes, monkeypatch):
    runner = bm.time_config_train_step_on_synthetic(cityscapes, (64, 128),
                                                    2, warmup=1, iters=1)
    assert runner['seconds'] > 0
    cfg = copy.deepcopy(cityscapes)
    cfg.model.decode_head.ignore_index = 7
    ignored = []
    cross_entropy = bm.F.cross_entropy

    def recording(*args, **kwargs):
        ignored.append(kwargs['ignore_index'])
        return cross_entropy(*args, **kwargs)

    monkeypatch.setattr(bm.F, 'cross_entropy', recording)
    plain = bm.time_plain_train_step(cfg, [64, 128], batch=2,
                                     bf16_channels_last=False, compact=None,
                                     warmup=0, iters=1)
    assert plain['seconds'] > 0 and set(ignored) == {7}
