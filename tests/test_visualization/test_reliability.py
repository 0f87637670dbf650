"""Reliability diagrams and uncertainty pictures: CalibrationMetric's bins
summed by hand, a small Bayesian SegNet run through its test_step on
synthetic CamVid, the figures and the CLI."""
import math

import cv2
import numpy as np
import pytest
import torch
from mmengine.structures import PixelData

from mmseg.structures import SegDataSample
from segnet_mm.datasets import CamVidDataset
from segnet_mm.visualization.reliability import (
    CORRECT_RGB, VOID_RGB, WRONG_RGB, FrameResult, Reliability, Setting,
    compute_reliability, default_settings, error_map, frame_indices,
    plot_qualitative, plot_reliability, qualitative_frames, reliability_of,
    split_dataset)
from tests.utils import (BAYESIAN_CONFIG, SMALL_MODEL, cfg_options,
                         data_options, run_tool,
                         sharpened_bayesian_checkpoint, small_config)

META = dict(classes=('a', 'b'), palette=[[0, 0, 0], [255, 255, 255]])


def two_class_sample(probs, labels, mc_samples=None):
    """A data sample whose softmax of ``seg_logits`` is ``probs`` of class
    0, shape (1, n), with labels (1, n)."""
    p = torch.tensor(probs, dtype=torch.float64)
    logits = torch.stack([p.log(), (1 - p).log()]).float()[:, None]
    sample = SegDataSample(
        seg_logits=PixelData(data=logits),
        pred_sem_seg=PixelData(data=logits.argmax(0)),
        gt_sem_seg=PixelData(data=torch.tensor([labels])))
    if mc_samples is not None:
        sample.set_metainfo(dict(mc_samples=mc_samples))
    return sample


# Confidence 0.9 (class 0): bin 13 = (13/15, 14/15]; 0.7 for class 1
# (p0 = 0.3): bin 10 = (10/15, 11/15]; the void pixel (255) is left out.
PROBS = [[0.9, 0.9, 0.9, 0.3, 0.3, 0.9]]
LABELS = [[0, 0, 1, 1, 0, 255]]


def test_reliability_of_sums_calibration_metric_bins():
    samples = [two_class_sample(PROBS[0][:3], LABELS[0][:3]),
               two_class_sample(PROBS[0][3:], LABELS[0][3:])]
    rel = reliability_of(samples, Setting('T = 1', 1), META)
    filled = {m: n for m, n in enumerate(rel.count) if n}
    assert filled == {13: 3, 10: 2}
    assert rel.images == 2
    assert rel.correct[13] == 2 and rel.correct[10] == 1
    assert rel.confidence[13] == pytest.approx(2.7, abs=1e-6)
    assert rel.confidence[10] == pytest.approx(1.4, abs=1e-6)
    assert rel.accuracy[13] == pytest.approx(2 / 3)
    assert rel.accuracy[10] == pytest.approx(0.5)
    assert rel.mean_confidence[13] == pytest.approx(0.9, abs=1e-6)
    assert math.isnan(rel.accuracy[0]) and math.isnan(rel.mean_confidence[0])
    # (|2 - 2.7| + |1 - 1.4|) / 5
    assert rel.ece == pytest.approx(0.22, abs=1e-6)


def test_reliability_of_applies_the_temperature():
    sample = two_class_sample(PROBS[0], LABELS[0])
    rel = reliability_of([sample], Setting('T = 2', 1, 2.0), META)
    # softmax(log p / 2): 0.9 -> 3 / (3 + 1) = 0.75 (bin 11), 0.7 ->
    # sqrt(7) / (sqrt(7) + sqrt(3)) = 0.6044 (bin 9).
    low = math.sqrt(7) / (math.sqrt(7) + math.sqrt(3))
    assert {m: n for m, n in enumerate(rel.count) if n} == {11: 3, 9: 2}
    assert rel.confidence[11] == pytest.approx(3 * 0.75, abs=1e-6)
    assert rel.confidence[9] == pytest.approx(2 * low, abs=1e-6)
    assert rel.correct[11] == 2 and rel.correct[9] == 1
    assert rel.ece == pytest.approx(
        (abs(2 - 2.25) + abs(1 - 2 * low)) / 5, abs=1e-6)


def test_reliability_of_refuses_a_temperature_of_other_samples():
    sample = two_class_sample(PROBS[0], LABELS[0], mc_samples=8)
    with pytest.raises(ValueError, match='fitted at mc_samples=1'):
        reliability_of([sample], Setting('T', 1, 1.3), META)
    rel = reliability_of([sample], Setting('MC', 8, 1.3), META)
    assert rel.count.sum() == 5


def test_default_settings():
    assert default_settings(1.25, 8) == [
        Setting('weight averaging', 1),
        Setting('weight averaging, T = 1.25', 1, 1.25),
        Setting('MC dropout, 8 samples', 8)
    ]
    assert default_settings(None, 1) == [Setting('weight averaging', 1)]


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


def test_frame_indices(camvid_root):
    cfg = small_config(BAYESIAN_CONFIG)
    cfg.merge_from_dict(cfg_options(data_options(camvid_root)))
    dataset = split_dataset(cfg, 'test')
    assert frame_indices(dataset, ['test_002', 'test_000']) == [2, 0]
    with pytest.raises(ValueError, match=r"\['nope'\]"):
        frame_indices(dataset, ['test_000', 'nope'])
    with pytest.raises(ValueError, match='split must be one of'):
        split_dataset(cfg, 'testing')


def test_compute_reliability_and_frames_on_a_small_model(
        tmp_path, camvid_root):
    ckpt = sharpened_bayesian_checkpoint(tmp_path / 'tiny.pth')
    options = cfg_options(SMALL_MODEL + data_options(camvid_root))
    settings = default_settings(1.5, 2)
    results = compute_reliability(BAYESIAN_CONFIG, ckpt, settings, 'test', 2,
                                  cfg_options=options)
    assert list(results) == [s.label for s in settings]
    valid = sum(
        int((cv2.imread(str(camvid_root / 'testannot' / f'test_00{i}.png'),
                        cv2.IMREAD_GRAYSCALE) != 11).sum()) for i in (0, 1))
    assert valid
    wa, scaled, mc = results.values()
    for rel in results.values():
        assert rel.images == 2 and rel.count.sum() == valid
        assert rel.ece == pytest.approx(
            np.abs(rel.correct - rel.confidence).sum() / valid)
    # T changes the confidences, not the prediction; MC dropout both.
    assert scaled.correct.sum() == wa.correct.sum()
    assert scaled.confidence.sum() < wa.confidence.sum()
    assert not np.allclose(mc.confidence, wa.confidence)
    with pytest.raises(ValueError, match='num_images must be in 1..4'):
        compute_reliability(BAYESIAN_CONFIG, ckpt, settings, 'test', 5,
                            cfg_options=options)
    with pytest.raises(ValueError, match='distinct labels'):
        compute_reliability(BAYESIAN_CONFIG, ckpt, settings[:1] * 2,
                            cfg_options=options)

    frames, meta = qualitative_frames(BAYESIAN_CONFIG, ckpt, ['test_001'],
                                      'test', 2, cfg_options=options)
    (frame, ) = frames
    label = cv2.imread(str(camvid_root / 'testannot' / 'test_001.png'),
                       cv2.IMREAD_GRAYSCALE)
    image = cv2.imread(str(camvid_root / 'test' / 'test_001.png'))
    assert frame.name == 'test_001'
    assert np.array_equal(frame.image, image[..., ::-1])
    assert np.array_equal(frame.label, np.where(label == 11, 255, label))
    assert frame.pred.shape == frame.entropy.shape == (45, 60)
    assert 0 <= frame.entropy.min() and \
        frame.entropy.max() <= math.log(11) + 1e-5
    assert frame.entropy.max() > 0
    assert meta['classes'] == CamVidDataset.METAINFO['classes']


def test_plot_reliability_cli(tmp_path, camvid_root):
    ckpt = sharpened_bayesian_checkpoint(tmp_path / 'tiny.pth')
    out = run_tool('tools/analysis_tools/plot_reliability.py',
                   BAYESIAN_CONFIG, ckpt,
                   '--num-images', '1', '--temperature', '1.5',
                   '--mc-samples', '2', '--out', tmp_path / 'rel.png',
                   '--frames', 'test_003', '--frames-out',
                   tmp_path / 'frames.png', '--cfg-options', *SMALL_MODEL,
                   *data_options(camvid_root))
    for label in ('weight averaging: ECE', 'weight averaging, T = 1.5: ECE',
                  'MC dropout, 2 samples: ECE'):
        assert label in out
    assert 'of 1 images' in out and '1 frames' in out
    for name in ('rel.png', 'frames.png'):
        image = cv2.imread(str(tmp_path / name))
        assert image is not None and image.std() > 0
