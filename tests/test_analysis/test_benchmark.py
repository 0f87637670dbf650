"""Benchmark measurements: on a small SegNet each measurement runs, and
takes the model and data layout from the config (CamVid's and
Cityscapes')."""
import numpy as np
import pytest

from mmseg.registry import DATASETS
from mmseg.utils import register_all_modules
from segnet_mm.analysis import benchmark as bm
from segnet_mm.utils.config_edits import load_config
from tests.conftest import REPO_ROOT
from tests.utils import assert_convs_ran_as_named

register_all_modules()


def read_train_split(cfg, root):
    dataset = dict(cfg.train_dataloader.dataset, data_root=root,
                   pipeline=[dict(type='LoadImageFromFile'),
                             dict(type='LoadAnnotations')])
    return DATASETS.build(dataset)


def test_macs_and_params(small_config):
    cost = bm.macs_and_params(small_config, [32, 48])
    assert cost['params'] == cost['inference_params'] > 0
    assert cost['macs'] > 0 and cost['unsupported'] == {}


@pytest.mark.parametrize('bf16_channels_last,compact',
                         [(False, None), (True, True)])
def test_time_forward(small_config, convs, bf16_channels_last, compact):
    r = bm.time_forward(small_config, [32, 48], bf16_channels_last, compact,
                        iters=1)
    assert r['seconds'] > 0 and r['peak_mib'] > 0
    assert_convs_ran_as_named(convs, bf16_channels_last)
    assert convs[0].input_channels_last == bf16_channels_last


def test_synthetic_train_split_in_the_config_layout(tmp_path, small_config,
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
    camvid = load_config(small_config)
    root = bm.write_synthetic_train_split(small_config, tmp_path / 'camvid',
                                          (32, 48), 2)
    sample = read_train_split(camvid, root)[1]
    assert set(np.unique(sample['gt_seg_map'])) <= set(range(11))


def test_config_training_step_on_cityscapes(cityscapes):
    runner = bm.time_config_train_step_on_synthetic(cityscapes, (64, 128),
                                                    2, warmup=1, iters=1)
    assert runner['seconds'] > 0


def test_pipeline_seconds_per_sample(camvid_root):
    cfg = load_config(str(REPO_ROOT / 'configs/segnet_camvid.py'))
    cfg.train_dataloader.dataset.data_root = str(camvid_root)
    assert bm.pipeline_seconds(cfg, samples=2, warmup=1) > 0
