"""Fit a checkpoint's softmax temperature on a split of its config's data:
the model's ``seg_logits`` over the split's dataloader
(:func:`~.split_inference.predict_split`), sampled in bounded memory, then
:func:`~segnet_mm.evaluation.temperature.fit_temperature`."""
import json
from pathlib import Path
from typing import Iterable, Iterator, Optional, Tuple, Union

from mmengine.config import Config
from torch import Tensor

from mmseg.models import BaseSegmentor
from ..evaluation.temperature import (TemperatureFit,
                                      fit_temperature_with_calibration,
                                      sample_pixels)
from ..utils.typing_utils import PathLike
from .inference import init_segmentor
from .split_inference import predict_split, split_dataloader

SPLITS = ('val', 'test')


def split_logits(model: BaseSegmentor,
                 batches: Iterable[dict],
                 num_samples: Optional[int] = None
                 ) -> Iterator[Tuple[Tensor, Tensor]]:
    """Per image of ``batches``, the model's ``seg_logits`` (K, H, W) and
    its ``gt_sem_seg`` labels (1, H, W), as ``model.test_step`` returns
    them (so with MC dropout if the model samples); a progress bar over
    ``num_samples`` if given."""
    for _, samples in predict_split(model, batches, num_samples=num_samples):
        for sample in samples:
            if 'seg_logits' not in sample:
                raise ValueError(
                    f'{type(model).__name__}.predict left no seg_logits '
                    'in its data samples: nothing to fit a temperature to')
            yield sample.seg_logits.data, sample.gt_sem_seg.data


def fit_checkpoint_temperature(config: Union[PathLike, Config],
                               checkpoint: PathLike,
                               split: str = 'val',
                               max_pixels: int = 2_000_000,
                               device: str = 'cpu',
                               cfg_options: Optional[dict] = None,
                               ignore_index: int = 255,
                               seed: int = 0) -> TemperatureFit:
    """Fit T on a random sample of the non-void pixels of a split.

    Args:
        config (str | Path | Config): The model's config.
        checkpoint (str | Path): Its weights.
        split (str): 'val' or 'test': the config's ``<split>_dataloader``.
            Default: 'val'.
        max_pixels (int): Pixels sampled (uniformly, without replacement)
            from the split to fit on. Default: 2_000_000.
        device (str): Default: 'cpu'.
        cfg_options (dict, optional): Config overrides. Default: None.
        ignore_index (int): Label of void pixels. Default: 255.
        seed (int): Seed of the pixel sample. Default: 0.

    Returns:
        TemperatureFit: T, the model's ``mc_samples`` (1 for a
        deterministic model), and ECE/NLL/Brier of the sample at T = 1 and
        T.

    Raises:
        ValueError: if ``split`` is not one of ``SPLITS``.
    """
    if split not in SPLITS:
        raise ValueError(f'split must be one of {SPLITS}, got {split!r}')
    model = init_segmentor(config, checkpoint, device, cfg_options)
    dataloader = split_dataloader(model.cfg, split)
    logits, labels = sample_pixels(
        split_logits(model, dataloader, len(dataloader.dataset)), max_pixels,
        ignore_index, seed)
    # mc_samples 0 and 1 are both one deterministic pass.
    mc_samples = max(getattr(model, 'mc_samples', 1), 1)
    return fit_temperature_with_calibration(logits, labels, mc_samples)


def save_temperature(fit: TemperatureFit, checkpoint: PathLike) -> Path:
    """Write ``fit`` as JSON to ``<checkpoint>.temperature.json``.

    Returns:
        Path: The JSON file.
    """
    path = Path(f'{checkpoint}.temperature.json')
    path.write_text(json.dumps(fit._asdict(), indent=2) + '\n')
    return path
