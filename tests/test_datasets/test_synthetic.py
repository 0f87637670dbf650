import cv2
import numpy as np
from mmengine.config import Config

from mmseg.registry import DATASETS
from segnet_mm.datasets import (write_synthetic_cityscapes,
                                write_synthetic_pairs)
from tests.conftest import REPO_ROOT


def test_cityscapes_layout_read_by_mmseg(tmp_path):
    root = write_synthetic_cityscapes(tmp_path, splits=('train', ), num=2,
                                      size=(32, 64))
    cfg = Config.fromfile(REPO_ROOT / 'configs/segnet_cityscapes.py')
    dataset = cfg.train_dataloader.dataset
    dataset.update(data_root=str(root),
                   pipeline=[dict(type='LoadImageFromFile'),
                             dict(type='LoadAnnotations')])
    dataset = DATASETS.build(dataset)
    assert len(dataset) == 2
    sample = dataset[0]
    assert sample['img'].shape == (32, 64, 3)
    labels = set(np.unique(sample['gt_seg_map']))
    assert 255 in labels and labels - {255} <= set(range(19))
    # Brighter with the class, never wrapping past 255.
    means = [sample['img'][sample['gt_seg_map'] == c].mean()
             for c in sorted(labels)]
    assert means == sorted(means)


def test_pairs_labels_stay_among_the_classes(tmp_path):
    names = write_synthetic_pairs(tmp_path / 'img', tmp_path / 'ann', num=2,
                                  size=(24, 32), classes=2,
                                  img_suffix='.jpg', seg_map_suffix='_m.png')
    assert names == ['synth_000000', 'synth_000001']
    assert (tmp_path / 'img/synth_000001.jpg').is_file()
    label = cv2.imread(str(tmp_path / 'ann/synth_000001_m.png'),
                       cv2.IMREAD_UNCHANGED)
    assert label.shape == (24, 32) and set(np.unique(label)) == {0, 1}
