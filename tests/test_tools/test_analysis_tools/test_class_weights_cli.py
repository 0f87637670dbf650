"""tools/analysis_tools/class_weights.py through the CLI, against an
independent numpy computation on the raw label PNGs (void 11 excluded)."""
import re

import cv2
import numpy as np
import pytest

from tests.conftest import REPO_ROOT
from tests.utils import run_tool


def numpy_weights(annot_files, num_classes=11, void=11):
    pixels = np.zeros(num_classes)
    image_pixels = np.zeros(num_classes)
    for f in annot_files:
        label = cv2.imread(str(f), cv2.IMREAD_UNCHANGED)
        for c in range(num_classes):
            n = (label == c).sum()
            if n:
                pixels[c] += n
                image_pixels[c] += (label != void).sum()
    freq = pixels / image_pixels
    return np.median(freq) / freq


def cli_weights(root):
    out = run_tool(REPO_ROOT / 'tools/analysis_tools/class_weights.py',
                   'configs/segnet_camvid.py', '--cfg-options',
                   f'train_dataloader.dataset.data_root={root}')
    assert 'median over classes of freq / freq(c)' in out
    assert 'split: train (CamVidDataset' in out
    match = re.search(r'class_weight = \[(.*)\]', out)
    assert match, out
    return np.array([float(w) for w in match.group(1).split(',')])


def test_fixture_camvid(camvid_root):
    files = sorted((camvid_root / 'trainannot').iterdir())
    rng = np.random.default_rng(1)
    for f in files:  # every class and void, unevenly
        label = np.minimum(rng.geometric(0.2, (45, 60)) - 1, 11)
        cv2.imwrite(str(f), label.astype(np.uint8))
    assert cli_weights(camvid_root) == pytest.approx(
        numpy_weights(files), abs=5e-5)


def test_missing_class_fails_naming_it(camvid_root):
    for f in (camvid_root / 'trainannot').iterdir():
        cv2.imwrite(str(f), np.full((45, 60), 3, np.uint8))
    printed = run_tool(
        'tools/analysis_tools/class_weights.py', 'configs/segnet_camvid.py',
        '--cfg-options', f'train_dataloader.dataset.data_root={camvid_root}',
        fails=True)
    assert 'classes [0, 1, 2, 4, 5, 6, 7, 8, 9, 10] occur in no label map' \
        in printed


def test_real_camvid_subset(tmp_path, shared_camvid):
    subset = tmp_path / 'camvid'
    names = sorted(p.name for p in (shared_camvid / 'train').iterdir())
    names = names[::len(names) // 20][:20]
    for split in ('train', 'trainannot'):
        (subset / split).mkdir(parents=True)
        for name in names:
            (subset / split / name).symlink_to(shared_camvid / split / name)
    expected = numpy_weights(sorted((subset / 'trainannot').iterdir()))
    assert cli_weights(subset) == pytest.approx(expected, abs=5e-5)
