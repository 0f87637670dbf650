"""Config checks run by ``tools/train.py`` before the Runner is built, so a
mistyped config fails in a second with a message naming the key."""
import os
import os.path as osp
from typing import Iterator, List, Optional, Tuple

import cv2
from mmcv.image import rescale_size
from mmengine.config import Config

from mmseg.registry import DATASETS
from .image_files import IMAGE_SUFFIXES


class ConfigCheckError(ValueError):
    """A config that cannot train as written."""


def _heads(model: dict) -> Iterator[Tuple[str, dict]]:
    """(key, head config) for the decode and auxiliary heads."""
    for key in ('decode_head', 'auxiliary_head'):
        heads = model.get(key)
        for i, head in enumerate(heads if isinstance(heads, list) else
                                 [heads] if heads else []):
            yield (f'model.{key}' + (f'[{i}]' if isinstance(heads, list)
                                     else '')), head


def dataset_classes(dataset: dict) -> Optional[tuple]:
    """Class names a dataset config will have, if they can be known: its
    ``metainfo`` override, else its registered class's ``METAINFO``."""
    classes = (dataset.get('metainfo') or {}).get('classes')
    if classes is not None:
        return tuple(classes)
    dataset_cls = DATASETS.get(dataset.get('type', ''))
    meta = getattr(dataset_cls, 'METAINFO', None) or {}
    return tuple(meta['classes']) if 'classes' in meta else None


# Heads that predict something other than the dataset's classes: mmseg's
# STDCHead is STDC's two-class (boundary / not) detail head.
BINARY_HEADS = ('STDCHead', )


def check_num_classes(cfg: Config) -> None:
    """Each head's ``num_classes`` equals the training set's classes
    (``BINARY_HEADS`` excepted)."""
    classes = dataset_classes(cfg.train_dataloader.dataset)
    if classes is None:
        return
    for key, head in _heads(cfg.model):
        if head.get('type') in BINARY_HEADS:
            continue
        if head.get('num_classes') != len(classes):
            raise ConfigCheckError(
                f'{key}.num_classes is {head.get("num_classes")} but the '
                f'training set ({cfg.train_dataloader.dataset.type}) has '
                f'{len(classes)} classes: {classes}')


def check_class_weights(cfg: Config) -> None:
    """Every loss ``class_weight`` list has one weight per class."""
    for key, head in _heads(cfg.model):
        losses = head.get('loss_decode') or []
        for i, loss in enumerate(
                losses if isinstance(losses, list) else [losses]):
            weight = loss.get('class_weight')
            if isinstance(weight, (list, tuple)) and \
                    len(weight) != head.get('num_classes'):
                raise ConfigCheckError(
                    f'{key}.loss_decode[{i}].class_weight has {len(weight)} '
                    f'weights for num_classes={head.get("num_classes")}')


def _first_image(dataset: dict) -> Optional[str]:
    img_dir = osp.join(
        dataset.get('data_root', ''),
        (dataset.get('data_prefix') or {}).get('img_path', ''))
    if not osp.isdir(img_dir):
        return None  # the dataset itself reports a wrong path
    for root, _, files in os.walk(img_dir):
        for name in sorted(files):
            if name.lower().endswith(IMAGE_SUFFIXES):
                return osp.join(root, name)
    return None


def _smallest_size(hw: Tuple[int, int],
                   pipeline: List[dict]) -> Tuple[int, int]:
    """Smallest (h, w) the resizes of a pipeline can produce from ``hw``."""
    h, w = hw
    for t in pipeline:
        scale = t.get('scale')
        if t['type'] not in ('Resize', 'RandomResize') or not (
                isinstance(scale, (tuple, list)) and len(scale) == 2
                and all(isinstance(v, int) for v in scale)):
            continue  # scale lists and scale factors are not modelled
        if t['type'] == 'RandomResize' and t.get('ratio_range'):
            low = t['ratio_range'][0]
            scale = (int(scale[0] * low), int(scale[1] * low))
        if t.get('keep_ratio', False):
            w, h = rescale_size((w, h), scale)
        else:
            w, h = scale
    return h, w


def check_crop_fits(cfg: Config) -> None:
    """A ``RandomCrop`` larger than the (resized) images needs padding."""
    dataset = cfg.train_dataloader.dataset
    pipeline = dataset.get('pipeline') or []
    crops = [t for t in pipeline if t['type'] == 'RandomCrop']
    padded = any(t['type'] == 'Pad' for t in pipeline) or \
        (cfg.model.get('data_preprocessor') or {}).get('size') is not None
    image = _first_image(dataset)
    if not crops or padded or image is None:
        return
    img = cv2.imread(image, cv2.IMREAD_UNCHANGED)
    if img is None:
        return  # the dataset checks name unreadable files
    h, w = _smallest_size(img.shape[:2], pipeline)
    ch, cw = crops[0]['crop_size']
    if ch > h or cw > w:
        raise ConfigCheckError(
            f'RandomCrop crop_size {(ch, cw)} is larger than the images can '
            f'be after resizing ({(h, w)}, from {image}) and nothing pads '
            'them: add a Pad transform or model.data_preprocessor.size')


def check_size_or_size_divisor(cfg: Config) -> None:
    """mmseg's ``SegDataPreProcessor`` stacks a training batch by padding
    to ``size`` or to a multiple of ``size_divisor``, and asserts exactly
    one of them (a bare ``AssertionError`` at the first iteration)."""
    preprocessor = cfg.model.get('data_preprocessor') or cfg.get(
        'data_preprocessor')
    if not preprocessor or preprocessor.get(
            'type', 'SegDataPreProcessor') != 'SegDataPreProcessor':
        return
    size = preprocessor.get('size')
    divisor = preprocessor.get('size_divisor')
    if (size is None) == (divisor is None):
        given = 'both are set' if size is not None else 'neither is set'
        raise ConfigCheckError(
            'model.data_preprocessor needs exactly one of size (e.g. the '
            'crop size, (H, W)) and size_divisor to stack training batches, '
            f'and {given}: size={size!r}, size_divisor={divisor!r}')


def check_config(cfg: Config) -> None:
    """All start-up config checks; raise :class:`ConfigCheckError`."""
    check_size_or_size_divisor(cfg)
    check_num_classes(cfg)
    check_class_weights(cfg)
    check_crop_fits(cfg)
