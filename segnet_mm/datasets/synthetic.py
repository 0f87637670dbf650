"""Image/label pairs made on the spot, for speed measurements of a config's
training pipeline that must not depend on the real data being present
(``segnet_mm.analysis.benchmark`` writes them in the config's layout)."""
from pathlib import Path
from typing import List, Tuple

import cv2
import numpy as np


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
        img, label = synthetic_frame(rng, size, classes)
        cv2.imwrite(str(Path(img_dir) / f'{name}{img_suffix}'), img)
        cv2.imwrite(str(Path(seg_map_dir) / f'{name}{seg_map_suffix}'),
                    label)
    return names


def class_blocks(size: Tuple[int, int], classes: int) -> np.ndarray:
    """Labels (H, W), uint8, in blocks a model can learn: the top third 0,
    the left quarter below it 1, the rest 3 (each modulo ``classes``)."""
    h, w = size
    label = np.full((h, w), 3 % classes, np.uint8)
    label[:h // 3] = 0
    label[h // 3:, :w // 4] = 1 % classes
    return label


def synthetic_image(rng: np.random.Generator, shade: np.ndarray,
                    classes: int) -> np.ndarray:
    """A BGR image, uint8 (H, W, 3), of noise that brightens with
    ``shade`` (H, W; 0..``classes``), staying within uint8."""
    step = min(18, 215 // classes)
    img = rng.integers(0, 40, (*shade.shape, 3), dtype=np.uint8)
    img += (shade[..., None] * step).astype(np.uint8)
    return img


def synthetic_frame(rng: np.random.Generator, size: Tuple[int, int],
                    classes: int) -> Tuple[np.ndarray, np.ndarray]:
    """An image and its labels: :func:`class_blocks` with a random-class
    column, in an image that brightens with the class.

    Args:
        rng (np.random.Generator): The source of the column and the noise.
        size (tuple[int, int]): (H, W).
        classes (int): Labels are 0..``classes`` - 1.

    Returns:
        tuple[np.ndarray, np.ndarray]: The BGR image, uint8 (H, W, 3), and
        its labels, uint8 (H, W).
    """
    label = class_blocks(size, classes)
    label[:, rng.integers(0, size[1])] = rng.integers(0, classes)
    return synthetic_image(rng, label, classes), label
