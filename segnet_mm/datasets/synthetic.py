"""Tiny CamVid-layout data sets made on the spot, for tests and benchmarks
that must not depend on the real data being present."""
from pathlib import Path
from typing import Sequence, Tuple

import cv2
import numpy as np


def write_synthetic_camvid(root: Path,
                           splits: Sequence[str] = ('train', 'val', 'test'),
                           num: int = 4,
                           size: Tuple[int, int] = (45, 60),
                           seed: int = 0) -> Path:
    """Write ``num`` image/label PNG pairs per split in the SegNet tutorial
    layout (``split/``, ``splitannot/``). Labels are 0..10 in blocks a model
    can learn, with a void (11) row and a random-class column per image.

    Returns:
        Path: ``root``.
    """
    rng = np.random.default_rng(seed)
    h, w = size
    root = Path(root)
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
