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
from mmseg.registry import METRICS
from ..evaluation.metrics import CalibrationMetric
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


def temperature_usage(cfg: Config, temperature: float,
                      mc_samples: int) -> str:
    """How to evaluate with ``temperature`` fitted at ``mc_samples``:
    ``tools/test.py`` with the ``--cfg-options`` that set both on the
    config's ``CalibrationMetric``, or, if it has none, the entry to add to
    ``test_evaluator`` first."""
    evaluators = cfg.get('test_evaluator', [])
    indexed = isinstance(evaluators, (list, tuple))
    test = 'python tools/test.py CONFIG CHECKPOINT'
    for i, evaluator in enumerate(evaluators if indexed else [evaluators]):
        if METRICS.get(evaluator.get('type')) is CalibrationMetric:
            key = f'test_evaluator.{i}' if indexed else 'test_evaluator'
            return (f'{test} --cfg-options '
                    f'{key}.temperature={temperature:.4f} '
                    f'{key}.mc_samples={mc_samples}')
    return (f'add dict(type=\'CalibrationMetric\', temperature='
            f'{temperature:.4f}, mc_samples={mc_samples}) to the config\'s '
            f'test_evaluator, then {test}')


def temperature_report(fit: TemperatureFit,
                       config: Union[PathLike, Config],
                       cfg_options: Optional[dict] = None) -> str:
    """T, the sample's ECE (%), NLL and Brier score at T = 1 and at T, and
    :func:`temperature_usage` for the config."""
    cfg = config if isinstance(config, Config) else Config.fromfile(config)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    lines = [f'temperature T = {fit.temperature:.4f}, fitted on '
             f'{fit.num_pixels} pixels at mc_samples={fit.mc_samples}']
    for name, scale, unit in (('ECE', 100, ' (%)'), ('NLL', 1, ''),
                              ('Brier', 1, '')):
        lines.append(f'{name}{unit}: {fit.before[name] * scale:.4f} at T = 1'
                     f', {fit.after[name] * scale:.4f} at T')
    lines.append('evaluate with it: ' +
                 temperature_usage(cfg, fit.temperature, fit.mc_samples))
    return '\n'.join(lines)


def save_temperature(fit: TemperatureFit, checkpoint: PathLike) -> Path:
    """Write ``fit`` as JSON to ``<checkpoint>.temperature.json``.

    Returns:
        Path: The JSON file.
    """
    path = Path(f'{checkpoint}.temperature.json')
    path.write_text(json.dumps(fit._asdict(), indent=2) + '\n')
    return path
