"""A run's work dir and the comparison rows read from it."""
import pytest
from mmengine.config import Config

from mmseg.datasets import CityscapesDataset
from segnet_mm.analysis.comparison import (collect_row, measure_cost,
                                           padded_shape, save_speed,
                                           shared_classes)
from segnet_mm.analysis.report import comparison_tables
from segnet_mm.datasets import CamVidDataset
from tests.conftest import REPO_ROOT
from tests.utils import fake_work_dir

CLASSES = CamVidDataset.METAINFO['classes']
CONFIG = REPO_ROOT / 'configs/benchmark/segnet-basic_1xb8-3k_camvid-180x240.py'


def test_padded_shape():
    unet = Config.fromfile(REPO_ROOT / 'configs/benchmark/'
                           'unet-s5-d16_fcn_1xb8-3k_camvid-180x240.py')
    ddrnet = Config.fromfile(REPO_ROOT / 'configs/benchmark/'
                             'ddrnet_23-slim_1xb8-3k_camvid-180x240.py')
    assert padded_shape(unet, (360, 480)) == (368, 480)
    assert padded_shape(ddrnet, (360, 480)) == (384, 512)
    assert padded_shape(Config.fromfile(CONFIG), (360, 480)) == (360, 480)


def test_table_has_measured_values_and_blanks(tmp_path):
    wd = fake_work_dir(tmp_path / 'wd')
    save_speed(wd, inference_ms=123.4, train_s_per_iter=2.5)
    measured = collect_row(CONFIG, wd, dict(params=1416075, macs=2e9,
                                            input=(360, 480)))
    blank = collect_row(CONFIG, tmp_path / 'never-trained')
    table = comparison_tables([measured, blank], CLASSES)
    first, second = table.splitlines()[2:4]
    assert ('| NVIDIA H200 | 1.42 | 2.0 | 360x480 | 123 | 2.50 | 80.50 | '
            '60.75 | 51.25 | 75.00 | 55.00 | 45.50 |') in first
    assert second.endswith('| 3000 |  |  |  |  |  |  |  |  |  |  |  |  |')
    per_class = table.splitlines()[-2]
    assert per_class.startswith('| `segnet-basic_1xb8-3k_camvid-180x240` '
                                '| 0.00 | 1.00 | 2.00 |')
    assert '| 6.00 |  | 8.00 |' in per_class  # Fence is NaN: blank


def test_classes_of_the_test_dataset():
    cityscapes = Config.fromfile(REPO_ROOT / 'configs/segnet_cityscapes.py')
    camvid = Config.fromfile(CONFIG)
    classes = shared_classes([cityscapes, cityscapes])
    assert classes == CityscapesDataset.METAINFO['classes']
    assert len(classes) == 19
    assert shared_classes([camvid]) == CLASSES
    with pytest.raises(ValueError, match='test on different classes'):
        shared_classes([camvid, cityscapes])
    camvid.test_dataloader.dataset.metainfo = dict(classes=('Sky', 'Road'))
    assert shared_classes([camvid]) == ('Sky', 'Road')
    camvid.test_dataloader.dataset.type = 'NoSuchDataset'
    camvid.test_dataloader.dataset.metainfo = None
    with pytest.raises(ValueError, match="test dataset type 'NoSuchDataset'"):
        shared_classes([camvid])


def test_measure_cost_at_the_padded_shape():
    from tests.utils import small_config
    cfg = small_config()
    cfg.model.data_preprocessor.test_cfg = dict(size_divisor=16)
    cost = measure_cost(cfg, (30, 40))
    assert cost['input'] == (32, 48)
    assert cost['params'] > 0 and cost['macs'] > 0
    assert cost['unsupported'] == {}
