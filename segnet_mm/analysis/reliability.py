"""Reliability diagrams' numbers and uncertainty pictures' frames of a
checkpoint on the first or named images of a split, through the model's
own ``test_step`` (the config's test pipeline, data preprocessor and
resize back to the label), in fp32: nothing here autocasts.
:mod:`segnet_mm.visualization.reliability` draws them."""
import copy
import os.path as osp
from typing import Dict, Iterator, List, NamedTuple, Optional, Sequence, Tuple

import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import BaseDataset, pseudo_collate

from mmseg.models import BaseSegmentor
from ..apis.inference import init_segmentor
from ..apis.mc_dropout import init_mc_dropout_segmentor
from ..apis.split_inference import predict_split, split_dataset
from ..evaluation.reliability import (Reliability, Setting,
                                      calibration_metric, metric_reliability)
from ..utils.config_edits import load_config
from ..utils.typing_utils import PathLike


class FrameResult(NamedTuple):
    """One image of :func:`qualitative_frames`.

    Attributes:
        name (str): Image file stem.
        image (np.ndarray): RGB uint8, (H, W, 3).
        pred (np.ndarray): Predicted classes, int64 (H, W).
        label (np.ndarray): Ground truth, int64 (H, W), ``ignore_index``
            for void.
        entropy (np.ndarray): Predictive entropy in nats, float32 (H, W).
    """
    name: str
    image: np.ndarray
    pred: np.ndarray
    label: np.ndarray
    entropy: np.ndarray


def default_settings(temperature: Optional[float] = None,
                     mc_samples: int = 8) -> List[Setting]:
    """Weight averaging, then weight averaging with ``temperature`` (if
    given), then MC dropout with ``mc_samples`` (if >= 2)."""
    settings = [Setting('weight averaging', 1)]
    if temperature is not None:
        settings.append(
            Setting(f'weight averaging, T = {temperature:g}', 1,
                    temperature))
    if mc_samples >= 2:
        settings.append(Setting(f'MC dropout, {mc_samples} samples',
                                mc_samples))
    return settings


def build_segmentor(cfg: Config,
                    checkpoint: PathLike,
                    mc_samples: int,
                    device: str = 'cpu') -> BaseSegmentor:
    """The config's model with ``mc_samples`` dropout samples per image:
    :class:`MCDropoutEncoderDecoder` for >= 2, else one pass with dropout
    off. In fp32: nothing here autocasts.

    Raises:
        ValueError: if ``mc_samples`` >= 2 and the model can not sample
            (from :func:`init_mc_dropout_segmentor`).
    """
    if mc_samples >= 2:
        return init_mc_dropout_segmentor(cfg, checkpoint, mc_samples, device)
    cfg = copy.deepcopy(cfg)
    if 'mc_samples' in cfg.model:
        cfg.model.mc_samples = 1
    return init_segmentor(cfg, checkpoint, device)


def frame_indices(dataset: BaseDataset, names: Sequence[str]) -> List[int]:
    """Indices in ``dataset`` of the images with these file stems.

    Raises:
        ValueError: naming the stems that are not in the dataset.
    """
    stems = [
        osp.splitext(osp.basename(dataset.get_data_info(i)['img_path']))[0]
        for i in range(len(dataset))
    ]
    missing = [n for n in names if n not in stems]
    if missing:
        raise ValueError(f'no image named {missing} in the dataset '
                         f'({len(stems)} images, e.g. {stems[:3]})')
    return [stems.index(n) for n in names]


def items(dataset: BaseDataset, indices: Sequence[int]) -> Iterator[dict]:
    """Batches of one: the dataset's items at ``indices``, collated."""
    for index in indices:
        yield pseudo_collate([dataset[index]])


def compute_reliability(config: PathLike,
                        checkpoint: PathLike,
                        settings: Sequence[Setting],
                        split: str = 'test',
                        num_images: int = 24,
                        device: str = 'cpu',
                        cfg_options: Optional[dict] = None,
                        seed: int = 0) -> Dict[str, Reliability]:
    """Per-bin calibration of each setting on the first ``num_images``
    images of ``split``: one run of the model per distinct ``mc_samples``,
    each of its settings scoring the same predictions.

    Args:
        config (str | Path): The model's config.
        checkpoint (str | Path): Its weights.
        settings (Sequence[Setting]): Distinct labels.
        split (str): A config dataloader: 'train', 'val' or 'test'.
            Default: 'test'.
        num_images (int): First images of the split. Default: 24.
        device (str): Default: 'cpu'.
        cfg_options (dict, optional): Config overrides. Default: None.
        seed (int): Seeds torch before each MC dropout run. Default: 0.

    Returns:
        dict[str, Reliability]: By setting label, in their order.

    Raises:
        ValueError: without settings, with repeated labels, or if
            ``num_images`` < 1 or more than the split holds.
    """
    labels = [s.label for s in settings]
    if not settings or len(set(labels)) != len(labels):
        raise ValueError(f'need settings with distinct labels, got {labels}')
    cfg = load_config(config, cfg_options)
    dataset = split_dataset(cfg, split)
    if not 1 <= num_images <= len(dataset):
        raise ValueError(f'num_images must be in 1..{len(dataset)} (the '
                         f'{split} split), got {num_images}')
    ignore_index = cfg.model.decode_head.get('ignore_index', 255)
    results = {}
    for samples in sorted({max(s.mc_samples, 1) for s in settings}):
        model = build_segmentor(cfg, checkpoint, samples, device)
        metrics = {
            s.label: calibration_metric(s, model.dataset_meta, ignore_index)
            for s in settings if max(s.mc_samples, 1) == samples
        }
        torch.manual_seed(seed)
        for _, (pred, ) in predict_split(
                model, items(dataset, range(num_images))):
            for metric in metrics.values():
                metric.process({}, [pred.to_dict()])
        results.update(
            {k: metric_reliability(m) for k, m in metrics.items()})
    return {label: results[label] for label in labels}


def qualitative_frames(config: PathLike,
                       checkpoint: PathLike,
                       names: Sequence[str],
                       split: str = 'test',
                       mc_samples: int = 8,
                       device: str = 'cpu',
                       cfg_options: Optional[dict] = None,
                       seed: int = 0) -> Tuple[List[FrameResult], dict]:
    """MC dropout prediction and predictive entropy of named images.

    Args:
        config (str | Path): The model's config.
        checkpoint (str | Path): Its weights.
        names (Sequence[str]): Image file stems in ``split``.
        split (str): 'train', 'val' or 'test'. Default: 'test'.
        mc_samples (int): Dropout samples per image, >= 2. Default: 8.
        device (str): Default: 'cpu'.
        cfg_options (dict, optional): Config overrides. Default: None.
        seed (int): Seeds torch before the run. Default: 0.

    Returns:
        tuple[list[FrameResult], dict]: The frames in the order of
        ``names``, and the model's ``dataset_meta`` (classes, palette).
    """
    if not names:
        raise ValueError('need at least one image name')
    cfg = load_config(config, cfg_options)
    dataset = split_dataset(cfg, split)
    indices = frame_indices(dataset, names)
    model = build_segmentor(cfg, checkpoint, mc_samples, device)
    torch.manual_seed(seed)
    frames = []
    for name, (batch, (sample, )) in zip(
            names, predict_split(model, items(dataset, indices))):
        # LoadImageFromFile reads BGR.
        image = batch['inputs'][0].permute(1, 2, 0).numpy()[..., ::-1]
        frames.append(
            FrameResult(
                name=name,
                image=np.ascontiguousarray(image),
                pred=sample.pred_sem_seg.data[0].cpu().long().numpy(),
                label=sample.gt_sem_seg.data[0].cpu().long().numpy(),
                entropy=sample.entropy.data[0].cpu().float().numpy()))
    return frames, model.dataset_meta
