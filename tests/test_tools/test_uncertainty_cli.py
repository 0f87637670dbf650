"""Bayesian SegNet through the CLIs: tools/uncertainty.py writes the maps,
tools/test.py evaluates the MC-dropout model (with BF score beside mIoU)."""
import cv2
import numpy as np
from PIL import Image

from segnet_mm.datasets import CamVidDataset
from tests.conftest import REPO_ROOT
from tests.utils import (SMALL_MODEL, data_options, run_tool,
                         sharpened_bayesian_checkpoint)

CONFIG = REPO_ROOT / 'configs/bayesian-segnet_camvid.py'


def test_uncertainty_maps_cli(tmp_path, camvid_root):
    ckpt = sharpened_bayesian_checkpoint(tmp_path / 'tiny.pth')
    out = run_tool('tools/uncertainty.py', camvid_root / 'test', CONFIG, ckpt,
                   '--out-dir', tmp_path / 'maps', '--num-samples', '3',
                   '--cfg-options', *SMALL_MODEL)
    assert '4 image(s)' in out and '(3 samples each)' in out
    names = sorted(p.stem for p in (camvid_root / 'test').iterdir())
    assert names
    palette = np.asarray(CamVidDataset.METAINFO['palette'], np.uint8)
    for name in names:
        pred = Image.open(tmp_path / 'maps' / f'{name}_pred.png')
        assert pred.mode == 'P' and pred.size == (60, 45)
        assert np.array_equal(
            np.asarray(pred.getpalette()[:33], np.uint8).reshape(11, 3),
            palette)
        assert np.asarray(pred).max() < 11
        for key in ('entropy', 'variance'):
            value = cv2.imread(str(tmp_path / 'maps' / f'{name}_{key}.png'),
                               cv2.IMREAD_UNCHANGED)
            assert value.dtype == np.uint16 and value.shape == (45, 60)
            assert value.max() > 0


def test_tools_test_runs_mc_dropout_with_bf_score(tmp_path, camvid_root):
    ckpt = sharpened_bayesian_checkpoint(tmp_path / 'tiny.pth')
    config = tmp_path / 'bayesian_bf.py'
    config.write_text(
        f"_base_ = ['{CONFIG}']\n"
        "model = dict(mc_samples=2)\n"
        "test_evaluator = [dict(type='IoUMetric', iou_metrics=['mIoU']),"
        " dict(type='BFScoreMetric')]\n")
    out = run_tool('tools/test.py', config, ckpt, '--work-dir',
                   tmp_path / 'work', '--cfg-options', *SMALL_MODEL,
                   *data_options(camvid_root))
    assert 'mIoU' in out and 'mBFScore' in out and 'iBFScore' in out
    assert 'per class BF score' in out
