import numpy as np
from mmengine.config import Config

from mmseg.registry import DATASETS
from segnet_mm.datasets import write_synthetic_cityscapes
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
