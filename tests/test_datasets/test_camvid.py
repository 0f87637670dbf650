import cv2
import numpy as np
import pytest

from segnet_mm.datasets import CamVidDataset, DatasetCheckError
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


def test_labels_past_void_are_refused(camvid_root):
    seg = camvid_root / 'trainannot' / 'train_000.png'
    label = cv2.imread(str(seg), cv2.IMREAD_UNCHANGED)
    label[0, 0] = CamVidDataset.VOID_LABEL + 1
    cv2.imwrite(str(seg), label)
    with pytest.raises(DatasetCheckError,
                       match=rf'{seg}: label values \[12\]'):
        build_camvid(camvid_root)


def test_label_map_suffix(camvid_root):
    for seg in (camvid_root / 'trainannot').iterdir():
        seg.rename(seg.with_name(seg.stem + '_L.png'))
    dataset = build_camvid(camvid_root, seg_map_suffix='_L.png')
    assert len(dataset) == 4
    assert dataset[0]['seg_map_path'].endswith('train_000_L.png')


def test_empty_split_names_its_folder(tmp_path):
    (tmp_path / 'train').mkdir()
    with pytest.raises(DatasetCheckError,
                       match=f"no images ending in '.jpg' under "
                       f"{tmp_path / 'train'}: check"):
        build_camvid(tmp_path, img_suffix='.jpg')
