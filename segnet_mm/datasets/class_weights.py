"""Median-frequency class balancing (Eigen & Fergus, ICCV 2015), the class
weights of SegNet's CamVid cross-entropy."""
from typing import Iterable, Tuple

import numpy as np
from mmengine.config import Config

from mmseg.datasets import BaseSegDataset
from mmseg.registry import DATASETS

MEDIAN_FREQUENCY_DEFINITION = (
    'freq(c) = pixels of class c / labelled pixels of the images where c is '
    'present; weight(c) = median over classes of freq / freq(c); '
    'ignore_index pixels are not labelled')


def median_frequency_weights(label_maps: Iterable[np.ndarray],
                             num_classes: int,
                             ignore_index: int = 255) -> np.ndarray:
    """Median-frequency class weights of a set of label maps.

    ``freq(c)`` is the number of pixels of class c divided by the number of
    labelled (not ``ignore_index``) pixels in the images that contain c;
    ``weight(c) = median(freq) / freq(c)``, so the median class weighs 1 and
    rare classes more.

    Args:
        label_maps (Iterable[np.ndarray]): Integer label maps, any shape,
            holding 0..num_classes-1 and ``ignore_index``.
        num_classes (int): K.
        ignore_index (int): Unlabelled pixels. Default: 255.

    Returns:
        np.ndarray: float64 weights, (K, ).

    Raises:
        ValueError: on a label outside 0..K-1 that is not ``ignore_index``,
            or when a class occurs in no label map (its weight would be
            infinite).
    """
    class_pixels = np.zeros(num_classes, np.int64)
    image_pixels = np.zeros(num_classes, np.int64)
    for label in label_maps:
        label = np.asarray(label)
        labelled = label[label != ignore_index].astype(np.int64)
        if labelled.size and not 0 <= labelled.min() <= labelled.max() \
                < num_classes:
            bad = np.setdiff1d(labelled, np.arange(num_classes))
            raise ValueError(f'label map holds labels {bad.tolist()} outside '
                             f'0..{num_classes - 1} and ignore_index '
                             f'{ignore_index}')
        counts = np.bincount(labelled, minlength=num_classes)
        class_pixels += counts
        image_pixels[counts > 0] += labelled.size
    missing = np.flatnonzero(class_pixels == 0)
    if missing.size:
        raise ValueError(f'classes {missing.tolist()} occur in no label map: '
                         'their median-frequency weight is undefined')
    freq = class_pixels / image_pixels
    return np.median(freq) / freq


def split_class_weights(cfg: Config, split: str = 'train',
                        ignore_index: int = 255
                        ) -> Tuple[BaseSegDataset, np.ndarray]:
    """Median-frequency weights of the label maps of ``cfg``'s
    ``{split}_dataloader.dataset``, read through the dataset's
    ``label_map`` (CamVid's void -> 255) with no other transform.

    Returns:
        tuple: The dataset (labels only) and its weights, (K, ).
    """
    dataset_cfg = dict(cfg[f'{split}_dataloader'].dataset,
                       pipeline=[dict(type='LoadAnnotations')])
    dataset = DATASETS.build(dataset_cfg)
    label_maps = (dataset[i]['gt_seg_map'] for i in range(len(dataset)))
    return dataset, median_frequency_weights(
        label_maps, len(dataset.metainfo['classes']), ignore_index)
