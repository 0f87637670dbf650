"""The image files a command is given: one image, or a directory of them."""
import os.path as osp
from collections import Counter
from pathlib import Path
from typing import List

from .typing_utils import PathLike

IMAGE_SUFFIXES = ('.png', '.jpg', '.jpeg', '.bmp', '.tif', '.tiff')


def find_images(path: PathLike) -> List[str]:
    """One image file, or the images directly inside a directory, sorted.

    Outputs are named after the images' stems, so a directory must not hold
    two images with the same stem (``a.png`` and ``a.jpg``).

    Raises:
        FileNotFoundError: naming ``path`` if it does not exist or holds no
            file ending in one of ``IMAGE_SUFFIXES``.
        ValueError: naming the images that share a stem.
    """
    path = Path(path)
    if path.is_file():
        return [str(path)]
    if not path.is_dir():
        raise FileNotFoundError(f'no such image or directory: {path}')
    images = sorted(
        str(p) for p in path.iterdir()
        if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
    if not images:
        raise FileNotFoundError(
            f'no images ({", ".join(IMAGE_SUFFIXES)}) in {path}')
    stems = [osp.splitext(image)[0] for image in images]
    counts = Counter(stems)
    clashes = [image for image, stem in zip(images, stems)
               if counts[stem] > 1]
    if clashes:
        raise ValueError(f'images in {path} share a name, their outputs would '
                         f'overwrite each other: {", ".join(clashes)}')
    return images
