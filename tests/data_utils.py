"""Data sets the tests make on the spot (conftest.py imports this module,
so it imports nothing from the tests)."""
from pathlib import Path
from typing import Sequence, Tuple

import cv2
import numpy as np

from segnet_mm.datasets import synthetic_frame


def write_synthetic_camvid(root: Path,
                           splits: Sequence[str] = ('train', 'val', 'test'),
                           num: int = 4,
                           size: Tuple[int, int] = (45, 60),
                           seed: int = 0) -> Path:
    """Write ``num`` image/label PNG pairs per split in the SegNet tutorial
    layout (``split/``, ``splitannot/``), named ``split_NNN.png``. Labels
    are 0..10 in blocks a model can learn, with a void (11) row and a
    random-class column per image.

    Returns:
        Path: ``root``.
    """
    rng = np.random.default_rng(seed)
    root = Path(root)
    for split in splits:
        (root / split).mkdir(parents=True, exist_ok=True)
        (root / f'{split}annot').mkdir(parents=True, exist_ok=True)
        for i in range(num):
            img, label = synthetic_frame(rng, size, classes=11, void=11)
            name = f'{split}_{i:03d}.png'
            cv2.imwrite(str(root / split / name), img)
            cv2.imwrite(str(root / f'{split}annot' / name), label)
    return root
