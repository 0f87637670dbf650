"""Data sets made on the spot in CamVid's and Cityscapes' layouts, for
tests and benchmarks that must not depend on the real data being
present."""
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
    root = Path(root)
    for split in splits:
        (root / split).mkdir(parents=True, exist_ok=True)
        (root / f'{split}annot').mkdir(parents=True, exist_ok=True)
        for i in range(num):
            img, label = _frame(rng, size, classes=11, void=11)
            name = f'{split}_{i:03d}.png'
            cv2.imwrite(str(root / split / name), img)
            cv2.imwrite(str(root / f'{split}annot' / name), label)
    return root


def write_synthetic_cityscapes(root: Path,
                               splits: Sequence[str] = ('train', 'val'),
                               num: int = 4,
                               size: Tuple[int, int] = (1024, 2048),
                               seed: int = 0) -> Path:
    """Write ``num`` frames per split in Cityscapes' layout, as mmseg's
    ``CityscapesDataset`` reads it:
    ``leftImg8bit/SPLIT/synth/*_leftImg8bit.png`` with
    ``gtFine/SPLIT/synth/*_gtFine_labelTrainIds.png`` (train ids
    0..18, void 255), full-size frames by default.

    Returns:
        Path: ``root``.
    """
    rng = np.random.default_rng(seed)
    root = Path(root)
    for split in splits:
        images = root / 'leftImg8bit' / split / 'synth'
        labels = root / 'gtFine' / split / 'synth'
        images.mkdir(parents=True, exist_ok=True)
        labels.mkdir(parents=True, exist_ok=True)
        for i in range(num):
            img, label = _frame(rng, size, classes=19, void=255)
            name = f'synth_{i:06d}_000019'
            cv2.imwrite(str(images / f'{name}_leftImg8bit.png'), img)
            cv2.imwrite(str(labels / f'{name}_gtFine_labelTrainIds.png'),
                        label)
    return root


def _frame(rng: np.random.Generator, size: Tuple[int, int], classes: int,
           void: int) -> Tuple[np.ndarray, np.ndarray]:
    """An image and its labels: class blocks a model can learn, a void row
    and a random-class column; the image brightens with the class (void
    brightest), staying within uint8."""
    h, w = size
    label = np.full((h, w), 3, np.uint8)
    label[:h // 3] = 0
    label[h // 3:, :w // 4] = 1
    label[rng.integers(0, h), :] = void
    label[:, rng.integers(0, w)] = rng.integers(0, classes)
    step = min(18, 215 // classes)
    img = rng.integers(0, 40, (h, w, 3), dtype=np.uint8)
    img += (np.where(label == void, classes, label)[..., None] *
            step).astype(np.uint8)
    return img, label
