"""Bad data fails when the dataset is built, naming each bad file."""
import cv2
import numpy as np
import pytest

from segnet_mm.datasets import DatasetCheckError
from segnet_mm.datasets.checks import (MAX_LISTED, check_image_dir,
                                       check_not_empty, check_pairs,
                                       pair_problems)
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


def write(path, array):
    cv2.imwrite(str(path), array)
    return str(path)


@pytest.fixture
def pair(tmp_path):
    """A good 4x6 image and its label map (labels 0 and 1)."""
    label = np.zeros((4, 6), np.uint8)
    label[:, 3:] = 1
    return (write(tmp_path / 'img.png', np.zeros((4, 6, 3), np.uint8)),
            write(tmp_path / 'seg.png', label))


def test_pair_messages_name_the_file_and_the_fault(tmp_path, pair):
    img, seg = pair
    assert pair_problems(img, seg, [0, 1]) == []
    assert pair_problems(img, None, [0]) == []  # an unlabelled split
    missing = str(tmp_path / 'none.png')
    assert pair_problems(img, missing, [0, 1]) == [
        f'{img}: its label map {missing} is missing']
    junk = tmp_path / 'junk.png'
    junk.write_bytes(b'junk')
    assert pair_problems(str(junk), seg, [0, 1]) == [
        f'{junk}: cannot be read as an image (corrupt or not an image)']
    assert pair_problems(img, str(junk), [0, 1]) == [
        f'{junk}: cannot be read as a label map']
    assert pair_problems(img, seg, [0]) == [
        f'{seg}: label values [1] are neither classes nor void/ignore '
        '(allowed: [0])']


def test_pair_shape_messages(tmp_path, pair):
    img, _ = pair
    small = write(tmp_path / 'small.png', np.zeros((2, 6), np.uint8))
    assert pair_problems(img, small, [0]) == [
        f'{img}: image size (4, 6) differs from its label map {small} '
        '(2, 6)']
    colour = write(tmp_path / 'colour.png', np.full((4, 6, 3), 9, np.uint8))
    # Labels are only read from a single-channel map.
    assert pair_problems(img, colour, [0]) == [
        f'{colour}: label map has shape (4, 6, 3), expected a single '
        'channel']


def test_directory_messages(tmp_path):
    with pytest.raises(FileNotFoundError) as err:
        check_image_dir(str(tmp_path / 'nowhere'))
    assert str(err.value) == (
        f'image directory {tmp_path / "nowhere"} does not exist: check '
        'data_root and data_prefix.img_path')
    check_image_dir(str(tmp_path))
    with pytest.raises(DatasetCheckError) as err:
        check_not_empty([], 'imgs', '.png')
    assert str(err.value) == (
        "no images ending in '.png' under imgs: check data_root, "
        'data_prefix.img_path and img_suffix')
    check_not_empty([dict(img_path='a.png')], 'imgs', '.png')


@pytest.mark.parametrize('num, tail', [(MAX_LISTED, ''),
                                       (MAX_LISTED + 1, '\n  ... and 1 more')])
def test_check_pairs_lists_the_first_problems(tmp_path, num, tail):
    missing = [str(tmp_path / f'{i:02d}.png') for i in range(num)]
    with pytest.raises(DatasetCheckError) as err:
        check_pairs([dict(img_path=path) for path in missing], [0])
    listed = '\n  '.join(f'{path}: cannot be read as an image (corrupt or '
                         'not an image)' for path in missing[:MAX_LISTED])
    assert str(err.value) == (f'{num} problem(s) in the data set, found '
                              f'before training:\n  {listed}{tail}')
