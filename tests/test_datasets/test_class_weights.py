import cv2
import numpy as np
import pytest
from mmengine.config import Config

from segnet_mm.datasets import median_frequency_weights
from segnet_mm.datasets.class_weights import split_class_weights
from tests.conftest import REPO_ROOT


def test_hand_computed_weights():
    maps = [
        np.array([[0, 0], [1, 255]]),  # 3 labelled: 2 x 0, 1 x 1
        np.array([[0, 2, 2], [2, 2, 2]]),  # 6 labelled: 1 x 0, 5 x 2
        np.array([1, 1, 1, 0]),  # 4 labelled: 3 x 1, 1 x 0
    ]
    # freq(0) = 4 / (3 + 6 + 4) = 4/13, freq(1) = 4 / (3 + 4) = 4/7,
    # freq(2) = 5/6; median 4/7 -> weights 13/7, 1, (4/7) / (5/6) = 24/35.
    weights = median_frequency_weights(iter(maps), 3)
    assert weights == pytest.approx([13 / 7, 1, 24 / 35])


def test_even_class_count_takes_the_mean_of_the_middle_two():
    maps = [np.array([0, 1, 1, 2, 2, 2, 3, 3, 3, 3])]
    # freq = (1, 2, 3, 4) / 10, median 2.5 / 10.
    assert median_frequency_weights(maps, 4) == pytest.approx(
        [2.5, 1.25, 2.5 / 3, 0.625])


def test_custom_ignore_index():
    maps = [np.array([0, 1, 1, 11, 11, 11])]
    # freq = 1/3, 2/3; median 1/2.
    assert median_frequency_weights(maps, 2, ignore_index=11) == \
        pytest.approx([1.5, 0.75])


def test_images_holding_one_class():
    maps = [np.zeros((2, 2)), np.ones((1, 2)), np.array([0, 1, 255])]
    # freq(0) = 5 / (4 + 2) = 5/6, freq(1) = 3 / (2 + 2) = 3/4; median
    # 19/24 -> weights 19/20, 19/18.
    assert median_frequency_weights(maps, 2) == pytest.approx(
        [19 / 20, 19 / 18])


def test_bad_labels():
    with pytest.raises(ValueError, match=r'labels \[3, 7\] outside 0..2'):
        median_frequency_weights([np.array([0, 1, 2, 3, 7])], 3)
    with pytest.raises(ValueError, match=r'labels \[3\] outside 0..2 and '
                       'ignore_index 255'):
        median_frequency_weights([np.array([0, 1, 2, 3])], 3)
    with pytest.raises(ValueError) as error:
        median_frequency_weights([np.array([0, 2, 255])], 3)
    assert str(error.value) == ('classes [1] occur in no label map: their '
                                'median-frequency weight is undefined')


def test_split_class_weights_reads_the_configs_split(camvid_root):
    """The weights of a config's split, read through its dataset (CamVid's
    void 11 -> 255, left out), equal a count on the raw label PNGs."""
    rng = np.random.default_rng(0)
    files = sorted((camvid_root / 'valannot').iterdir())
    for f in [*files, *(camvid_root / 'trainannot').iterdir()]:
        # every class and void, unevenly
        label = np.minimum(rng.geometric(0.2, (45, 60)) - 1, 11)
        cv2.imwrite(str(f), label.astype(np.uint8))
    pixels, image_pixels = np.zeros(11), np.zeros(11)
    for f in files:
        label = cv2.imread(str(f), cv2.IMREAD_UNCHANGED)
        for c in range(11):
            if (label == c).any():
                pixels[c] += (label == c).sum()
                image_pixels[c] += (label != 11).sum()
    freq = pixels / image_pixels
    cfg = Config.fromfile(REPO_ROOT / 'configs/segnet_camvid.py')
    cfg.val_dataloader.dataset.data_root = str(camvid_root)
    dataset, weights = split_class_weights(cfg, 'val')
    assert len(dataset) == len(files)
    assert weights == pytest.approx(np.median(freq) / freq)
    # The training split by default.
    cfg.train_dataloader.dataset.data_root = str(camvid_root)
    train, _ = split_class_weights(cfg)
    assert train.data_prefix['seg_map_path'].endswith('trainannot')
