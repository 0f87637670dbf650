import cv2
import numpy as np

from segnet_mm.datasets import synthetic_frame, write_synthetic_pairs


def test_frame_brightens_with_the_class():
    img, label = synthetic_frame(np.random.default_rng(0), (32, 64),
                                 classes=19, void=255)
    assert img.shape == (32, 64, 3) and img.dtype == np.uint8
    assert label.shape == (32, 64) and label.dtype == np.uint8
    labels = set(np.unique(label))
    assert 255 in labels and labels - {255} <= set(range(19))
    # Brighter with the class, void brightest, never wrapping past 255.
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
