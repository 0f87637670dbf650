"""Reliability diagrams and uncertainty pictures drawn from fixed
numbers and frames."""
import cv2
import numpy as np
import pytest

from segnet_mm.analysis.reliability import FrameResult
from segnet_mm.datasets import CamVidDataset
from segnet_mm.evaluation.reliability import Reliability
from segnet_mm.visualization.reliability import (CORRECT_RGB, VOID_RGB,
                                                 WRONG_RGB, error_map,
                                                 plot_qualitative,
                                                 plot_reliability)


def test_error_map_colours():
    pred = np.array([[0, 1, 2]])
    label = np.array([[0, 2, 255]])
    out = error_map(pred, label)
    assert out.dtype == np.uint8 and out.shape == (1, 3, 3)
    assert out[0].tolist() == [list(CORRECT_RGB), list(WRONG_RGB),
                               list(VOID_RGB)]


def test_plot_reliability_writes_png(tmp_path):
    count = np.zeros(15)
    count[[10, 13]] = [2, 3]
    rel = Reliability(count, count * 0.8, count * 0.5, 0.3, 2)
    out = tmp_path / 'figs' / 'reliability.png'
    plot_reliability({'a': rel, 'b': rel}, out, 'title', dpi=50)
    image = cv2.imread(str(out))
    assert image is not None and image.shape == (280, 420, 3)
    assert image.std() > 0
    with pytest.raises(ValueError, match='no results'):
        plot_reliability({}, tmp_path / 'none.png')
    assert not (tmp_path / 'none.png').exists()


def test_plot_qualitative_writes_png(tmp_path):
    rng = np.random.default_rng(0)
    frames = [
        FrameResult(f'f{i}', rng.integers(0, 255, (45, 60, 3), np.uint8),
                    rng.integers(0, 11, (45, 60)),
                    rng.integers(0, 11, (45, 60)),
                    rng.random((45, 60), np.float32)) for i in range(2)
    ]
    out = tmp_path / 'qualitative.png'
    plot_qualitative(frames, dict(CamVidDataset.METAINFO), out, 8, dpi=40)
    image = cv2.imread(str(out))
    assert image is not None and image.shape[1] == 4 * 3 * 40
    assert image.shape[0] > 2 * 3 * 40 * 45 / 60
    assert image.std() > 0
