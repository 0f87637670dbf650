"""Data sets the tests make on the spot (conftest.py imports this module,
so it imports nothing from the tests)."""
from pathlib import Path
from typing import Sequence, Tuple

import cv2
import numpy as np

from segnet_mm.datasets.synthetic import class_blocks, synthetic_image


def void_frame(rng: np.random.Generator, size: Tuple[int, int],
               classes: int, void: int) -> Tuple[np.ndarray, np.ndarray]:
    """``segnet_mm.datasets.synthetic.synthetic_frame`` with a row of
    ``void`` labels before the random-class column; void is the brightest
    in the image."""
    h, w = size
    label = class_blocks(size, classes)
    label[rng.integers(0, h), :] = void
    label[:, rng.integers(0, w)] = rng.integers(0, classes)
    shade = np.where(label == void, classes, label)
    return synthetic_image(rng, shade, classes), label


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
            img, label = void_frame(rng, size, classes=11, void=11)
            name = f'{split}_{i:03d}.png'
            cv2.imwrite(str(root / split / name), img)
            cv2.imwrite(str(root / f'{split}annot' / name), label)
    return root
