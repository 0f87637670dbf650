import cv2
import numpy as np

from segnet_mm.datasets import CamVidDataset
from tests.utils import build_camvid


def test_metainfo():
    meta = CamVidDataset.METAINFO
    assert len(meta['classes']) == 11 == len(meta['palette'])
    assert meta['classes'][0] == 'Sky' and meta['classes'][-1] == 'Bicyclist'
    assert len({tuple(p) for p in meta['palette']}) == 11


def test_void_mapped_to_255(camvid_root):
    dataset = build_camvid(camvid_root)
    assert len(dataset) == 4
    assert dataset.metainfo['classes'] == CamVidDataset.METAINFO['classes']
    assert dataset.metainfo['palette'] == CamVidDataset.METAINFO['palette']
    raw = None
    for i in range(len(dataset)):
        sample = dataset[i]
        seg = sample['gt_seg_map']
        raw = cv2.imread(sample['seg_map_path'], cv2.IMREAD_UNCHANGED)
        assert (raw == 11).any()
        assert np.array_equal(seg == 255, raw == 11)
        assert np.array_equal(seg[raw != 11], raw[raw != 11])
    assert raw is not None


def test_class_subset_keeps_void_ignored(camvid_root):
    dataset = build_camvid(camvid_root, metainfo=dict(classes=('Sky', 'Road')))
    seg = dataset[0]['gt_seg_map']
    assert set(np.unique(seg)) <= {0, 1, 255}


def test_real_camvid(shared_camvid):
    dataset = build_camvid(shared_camvid, split='val')
    assert len(dataset) == 101
    sample = dataset[0]
    assert sample['img'].shape == (360, 480, 3)
    assert set(np.unique(sample['gt_seg_map'])) <= set(range(11)) | {255}
