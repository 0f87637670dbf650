"""Bad data fails when the dataset is built, naming each bad file."""
import cv2
import numpy as np
import pytest

from segnet_mm.datasets import DatasetCheckError
from tests.utils import build_camvid


def build(root, **kwargs):
    return build_camvid(root, pipeline=[], **kwargs)


def test_good_fixture_passes(camvid_root):
    assert len(build(camvid_root)) == 4


def test_wrong_data_root(tmp_path):
    with pytest.raises(FileNotFoundError, match=str(tmp_path / 'nowhere')):
        build(tmp_path / 'nowhere')


def test_empty_image_dir(tmp_path):
    (tmp_path / 'train').mkdir()
    with pytest.raises(DatasetCheckError, match="no images ending in '.png'"):
        build(tmp_path)


def test_missing_annotation(camvid_root):
    missing = camvid_root / 'trainannot' / 'train_001.png'
    missing.unlink()
    with pytest.raises(DatasetCheckError, match=f'{missing} is missing'):
        build(camvid_root)


def test_corrupt_image(camvid_root):
    bad = camvid_root / 'train' / 'train_002.png'
    bad.write_bytes(b'not a png at all')
    with pytest.raises(DatasetCheckError, match=f'{bad}: cannot be read'):
        build(camvid_root)


def test_size_mismatch(camvid_root):
    seg = camvid_root / 'trainannot' / 'train_000.png'
    cv2.imwrite(str(seg), np.zeros((20, 20), np.uint8))
    with pytest.raises(DatasetCheckError, match='differs from its label map'):
        build(camvid_root)


def test_labels_out_of_range(camvid_root):
    seg = camvid_root / 'trainannot' / 'train_003.png'
    label = cv2.imread(str(seg), cv2.IMREAD_UNCHANGED)
    label[0, 0] = 42
    cv2.imwrite(str(seg), label)
    with pytest.raises(DatasetCheckError,
                       match=rf'{seg}: label values \[42\]'):
        build(camvid_root)


def test_all_problems_listed_together(camvid_root):
    (camvid_root / 'trainannot' / 'train_000.png').unlink()
    (camvid_root / 'train' / 'train_001.png').write_bytes(b'')
    with pytest.raises(DatasetCheckError, match='2 problem') as err:
        build(camvid_root)
    assert 'train_000' in str(err.value) and 'train_001' in str(err.value)


def test_checks_can_be_switched_off(camvid_root):
    (camvid_root / 'train' / 'train_001.png').write_bytes(b'')
    assert len(build(camvid_root, check_files=False)) == 4
