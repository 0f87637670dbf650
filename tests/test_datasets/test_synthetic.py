import cv2
import numpy as np

from segnet_mm.datasets import write_synthetic_pairs
from segnet_mm.datasets.synthetic import synthetic_frame
from tests.data_utils import void_frame


def test_frame_brightens_with_the_class():
    img, label = synthetic_frame(np.random.default_rng(0), (32, 64),
                                 classes=19)
    assert img.shape == (32, 64, 3) and img.dtype == np.uint8
    assert label.shape == (32, 64) and label.dtype == np.uint8
    labels = set(np.unique(label))
    assert {0, 1, 3} <= labels <= set(range(19))
    # Brighter with the class, never wrapping past 255.
    means = [img[label == c].mean() for c in sorted(labels)]
    assert means == sorted(means)


def test_void_frame_of_the_tests_has_the_brightest_void_row():
    img, label = void_frame(np.random.default_rng(0), (32, 64), classes=19,
                            void=255)
    labels = set(np.unique(label))
    assert 255 in labels and labels - {255} <= set(range(19))
    assert (label == 255).any(axis=1).sum() == 1
    means = [img[label == c].mean() for c in sorted(labels)]
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
