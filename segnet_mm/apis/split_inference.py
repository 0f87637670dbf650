"""One pass of a model over a split of its config's data, for everything
that scores a checkpoint on a split (temperature scaling, reliability
diagrams, the MC dropout sweep): the split's dataloader, or chosen images
of its dataset, each batch through the model's ``test_step`` (or a step of
the caller's) without gradients."""
import copy
from typing import Callable, Iterable, Iterator, Optional, Tuple

import torch
from mmengine.config import Config
from mmengine.dataset import BaseDataset
from mmengine.registry import init_default_scope
from mmengine.runner import Runner
from mmengine.utils import ProgressBar
from torch.utils.data import DataLoader

from mmseg.models import BaseSegmentor
from mmseg.registry import DATASETS

SPLITS = ('train', 'val', 'test')


def _check_split(split: str) -> None:
    if split not in SPLITS:
        raise ValueError(f'split must be one of {SPLITS}, got {split!r}')


def split_dataset(cfg: Config, split: str) -> BaseDataset:
    """The dataset of the config's ``<split>_dataloader`` (its pipeline
    loads the labels and packs the inputs).

    Raises:
        ValueError: if ``split`` is not one of ``SPLITS``.
    """
    _check_split(split)
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    return DATASETS.build(copy.deepcopy(cfg[f'{split}_dataloader'].dataset))


def split_dataloader(cfg: Config, split: str) -> DataLoader:
    """The config's ``<split>_dataloader``, built as the Runner builds it.

    Raises:
        ValueError: if ``split`` is not one of ``SPLITS``.
    """
    _check_split(split)
    return Runner.build_dataloader(cfg[f'{split}_dataloader'])


def predict_split(model: BaseSegmentor,
                  batches: Iterable[dict],
                  step: Optional[Callable[[dict], object]] = None,
                  num_samples: Optional[int] = None
                  ) -> Iterator[Tuple[dict, object]]:
    """``(batch, outputs)`` per batch, the outputs of ``step(batch)``
    without gradients.

    Args:
        model (BaseSegmentor): The model, built and in eval mode.
        batches (Iterable[dict]): Collated batches: a split's dataloader
            (:func:`split_dataloader`), or ``pseudo_collate`` of chosen
            items of :func:`split_dataset`.
        step (Callable, optional): Batch -> outputs. Default: None, the
            model's ``test_step`` (data samples with ``seg_logits``,
            ``pred_sem_seg`` and ``gt_sem_seg``).
        num_samples (int, optional): The samples ``batches`` holds: shows
            a progress bar that advances once the caller is done with a
            batch. Default: None, no bar.
    """
    step = step or model.test_step
    bar = ProgressBar(num_samples) if num_samples else None
    for batch in batches:
        with torch.no_grad():
            outputs = step(batch)
        yield batch, outputs
        if bar is not None:
            for _ in batch['data_samples']:
                bar.update()
