"""Image/label pairs made on the spot, for speed measurements of a config's
training pipeline that must not depend on the real data being present
(``segnet_mm.analysis.benchmark`` writes them in the config's layout)."""
from pathlib import Path
from typing import List, Optional, Tuple

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


def synthetic_frame(rng: np.random.Generator,
                    size: Tuple[int, int],
                    classes: int,
                    void: Optional[int] = None
                    ) -> Tuple[np.ndarray, np.ndarray]:
    """An image and its labels: class blocks a model can learn, a void row
    (unless ``void`` is None) and a random-class column; the image
    brightens with the class (void brightest), staying within uint8.

    Args:
        rng (np.random.Generator): The source of the row, the column and
            the noise.
        size (tuple[int, int]): (H, W).
        classes (int): Labels are 0..``classes`` - 1.
        void (int, optional): The void row's label. Default: None.

    Returns:
        tuple[np.ndarray, np.ndarray]: The BGR image, uint8 (H, W, 3), and
        its labels, uint8 (H, W).
    """
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
