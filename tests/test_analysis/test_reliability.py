"""Reliability numbers and uncertainty frames of a small Bayesian SegNet
run through its test_step on synthetic CamVid, and the CLI that draws
them."""
import math

import cv2
import numpy as np
import pytest

from segnet_mm.analysis.reliability import (compute_reliability,
                                            default_settings, frame_indices,
                                            qualitative_frames)
from segnet_mm.apis.split_inference import split_dataset
from segnet_mm.datasets import CamVidDataset
from segnet_mm.evaluation.reliability import Setting
from tests.utils import (BAYESIAN_CONFIG, SMALL_MODEL, cfg_options,
                         data_options, run_tool,
                         sharpened_bayesian_checkpoint, small_config)


def test_default_settings():
    assert default_settings(1.25, 8) == [
        Setting('weight averaging', 1),
        Setting('weight averaging, T = 1.25', 1, 1.25),
        Setting('MC dropout, 8 samples', 8)
    ]
    assert default_settings(None, 1) == [Setting('weight averaging', 1)]


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
