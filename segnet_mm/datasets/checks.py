"""Start-up checks of image/label pairs, so bad data fails before training.

Policy (documented in docs/reliability.md): every problem is found when the
dataset is built, before the first iteration, and reported together in one
error that names each offending file; nothing is skipped silently. Checked
per pair: the image directory exists and holds images, each image has its
label map, both decode, their sizes agree, and labels are known values.
"""
import os.path as osp
from concurrent.futures import ThreadPoolExecutor
from typing import Iterable, List, Optional, Sequence

import cv2
import numpy as np

# How many problems an error message lists before summarising the rest.
MAX_LISTED = 20


class DatasetCheckError(ValueError):
    """Bad files found while building a dataset; lists every one."""


def check_image_dir(img_dir: str) -> None:
    """Fail on a missing image directory (wrong ``data_root``/prefix)."""
    if not osp.isdir(img_dir):
        raise FileNotFoundError(
            f'image directory {img_dir} does not exist: check data_root and '
            'data_prefix.img_path')


def check_not_empty(data_list: Sequence[dict], img_dir: str,
                    suffix: str) -> None:
    """Fail on an image directory without images of the expected suffix."""
    if not data_list:
        raise DatasetCheckError(
            f'no images ending in {suffix!r} under {img_dir}: check '
            'data_root, data_prefix.img_path and img_suffix')


def pair_problems(img_path: str, seg_path: Optional[str],
                  valid_labels: Sequence[int]) -> List[str]:
    """Problems of one image / label-map pair, as messages naming files."""
    if seg_path is not None and not osp.isfile(seg_path):
        return [f'{img_path}: its label map {seg_path} is missing']
    img = cv2.imread(img_path, cv2.IMREAD_UNCHANGED)
    if img is None:
        return [f'{img_path}: cannot be read as an image (corrupt or not '
                'an image)']
    if seg_path is None:
        return []
    seg = cv2.imread(seg_path, cv2.IMREAD_UNCHANGED)
    if seg is None:
        return [f'{seg_path}: cannot be read as a label map']
    problems = []
    if seg.ndim != 2:
        problems.append(f'{seg_path}: label map has shape {seg.shape}, '
                        'expected a single channel')
    elif img.shape[:2] != seg.shape:
        problems.append(f'{img_path}: image size {img.shape[:2]} differs '
                        f'from its label map {seg_path} {seg.shape}')
    if seg.ndim == 2:
        unknown = np.setdiff1d(np.unique(seg), np.asarray(valid_labels))
        if unknown.size:
            problems.append(
                f'{seg_path}: label values {unknown.tolist()} are neither '
                f'classes nor void/ignore (allowed: {list(valid_labels)})')
    return problems


def check_pairs(data_list: Iterable[dict],
                valid_labels: Sequence[int],
                workers: int = 2) -> None:
    """Check every ``img_path``/``seg_map_path`` pair of a data list.

    Raises:
        DatasetCheckError: listing each bad file, if any.
    """
    pairs = [(d['img_path'], d.get('seg_map_path')) for d in data_list]
    with ThreadPoolExecutor(workers) as pool:  # cv2 decodes without the GIL
        found = pool.map(lambda p: pair_problems(*p, valid_labels), pairs)
        problems = [msg for msgs in found for msg in msgs]
    if problems:
        listed = '\n  '.join(problems[:MAX_LISTED])
        more = len(problems) - MAX_LISTED
        tail = f'\n  ... and {more} more' if more > 0 else ''
        raise DatasetCheckError(
            f'{len(problems)} problem(s) in the data set, found before '
            f'training:\n  {listed}{tail}')
