"""Data sets made on the spot in CamVid's and Cityscapes' layouts, or any
pair of image and label directories, for tests and benchmarks that must
not depend on the real data being present."""
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

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


def write_synthetic_pairs(img_dir: Path,
                          seg_map_dir: Path,
                          num: int,
                          size: Tuple[int, int],
                          classes: int,
                          img_suffix: str = '.png',
                          seg_map_suffix: str = '.png',
                          seed: int = 0) -> List[str]:
    """Write ``num`` image/label pairs of ``size`` (H, W), named
    ``synth_NNNNNN`` + suffix, into ``img_dir`` and ``seg_map_dir``;
    labels are 0..``classes`` - 1 in blocks, no void.

    Returns:
        list[str]: the names, without suffixes.
    """
    rng = np.random.default_rng(seed)
    Path(img_dir).mkdir(parents=True, exist_ok=True)
    Path(seg_map_dir).mkdir(parents=True, exist_ok=True)
    names = [f'synth_{i:06d}' for i in range(num)]
    for name in names:
        img, label = _frame(rng, size, classes)
        cv2.imwrite(str(Path(img_dir) / f'{name}{img_suffix}'), img)
        cv2.imwrite(str(Path(seg_map_dir) / f'{name}{seg_map_suffix}'),
                    label)
    return names


def _frame(rng: np.random.Generator,
           size: Tuple[int, int],
           classes: int,
           void: Optional[int] = None) -> Tuple[np.ndarray, np.ndarray]:
    """An image and its labels: class blocks a model can learn, a void row
    (unless ``void`` is None) and a random-class column; the image
    brightens with the class (void brightest), staying within uint8."""
    h, w = size
    label = np.full((h, w), 3 % classes, np.uint8)
    label[:h // 3] = 0
    label[h // 3:, :w // 4] = 1 % classes
    if void is not None:
        label[rng.integers(0, h), :] = void
    label[:, rng.integers(0, w)] = rng.integers(0, classes)
    step = min(18, 215 // classes)
    shade = label if void is None else np.where(label == void, classes,
                                                label)
    img = rng.integers(0, 40, (h, w, 3), dtype=np.uint8)
    img += (shade[..., None] * step).astype(np.uint8)
    return img, label
