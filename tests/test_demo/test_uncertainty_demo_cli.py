"""demo/uncertainty_demo.py through the real CLI: Bayesian SegNet's
prediction, entropy and variance maps."""
import cv2
import numpy as np
from PIL import Image

from segnet_mm.datasets import CamVidDataset
from tests.conftest import REPO_ROOT
from tests.utils import SMALL_MODEL, run_tool, sharpened_bayesian_checkpoint

CONFIG = REPO_ROOT / 'configs/bayesian-segnet_camvid.py'


def test_uncertainty_maps_cli(tmp_path, camvid_root):
    ckpt = sharpened_bayesian_checkpoint(tmp_path / 'tiny.pth')
    out = run_tool('demo/uncertainty_demo.py', camvid_root / 'test', CONFIG,
                   ckpt, '--out-dir', tmp_path / 'maps', '--num-samples', '3',
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
