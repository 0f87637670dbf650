import os.path as osp
from pathlib import Path

import cv2
import numpy as np
import pytest
from mmseg.utils import register_all_modules

import segnet_mm  # noqa: F401  (registers our modules)

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_CAMVID = REPO_ROOT.parent / 'shared' / 'camvid'

# Build from mmseg's registries as mmseg's own tests do.
register_all_modules(init_default_scope=True)


def write_camvid(root: Path, splits=('train', 'val', 'test'), num=4,
                 size=(45, 60), seed=0) -> Path:
    """Write a tiny CamVid in the SegNet tutorial layout: random images and
    labels in 0..11 (11 = void), shaped by a few blobs so models can learn."""
    rng = np.random.default_rng(seed)
    h, w = size
    for split in splits:
        (root / split).mkdir(parents=True, exist_ok=True)
        (root / f'{split}annot').mkdir(parents=True, exist_ok=True)
        for i in range(num):
            label = np.full((h, w), 3, np.uint8)
            label[:h // 3] = 0
            label[h // 3:, :w // 4] = 1
            label[rng.integers(0, h), :] = 11
            label[:, rng.integers(0, w)] = rng.integers(0, 11)
            img = rng.integers(0, 40, (h, w, 3), dtype=np.uint8)
            img += (label[..., None] * 18).astype(np.uint8)
            name = f'{split}_{i:03d}.png'
            cv2.imwrite(str(root / split / name), img)
            cv2.imwrite(str(root / f'{split}annot' / name), label)
    return root


@pytest.fixture
def camvid_root(tmp_path) -> Path:
    return write_camvid(tmp_path / 'camvid')


@pytest.fixture
def shared_camvid() -> Path:
    if not osp.isdir(SHARED_CAMVID / 'train'):
        pytest.skip(f'real CamVid not found at {SHARED_CAMVID}')
    return SHARED_CAMVID
