"""Reliability diagrams and uncertainty pictures of a checkpoint on the
first images of a split, through the model's own ``test_step`` (the
config's test pipeline, data preprocessor and resize back to the label).

The bins are ``CalibrationMetric``'s (:mod:`segnet_mm.evaluation.metrics.
calibration_stats`): top-label confidence in ``num_bins`` equal-width bins
``(m / M, (m + 1) / M]``, and the ECE is its ``expected_calibration_error``
of the same sums, so a diagram's title is what ``tools/test.py`` reports on
the same images.
"""
import copy
import math
import os.path as osp
from pathlib import Path
from typing import (Dict, Iterator, List, NamedTuple, Optional, Sequence,
                    Tuple)

import numpy as np
import torch
from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from mmengine.config import Config
from mmengine.dataset import BaseDataset, pseudo_collate
from mmengine.registry import init_default_scope

from mmseg.models import BaseSegmentor
from mmseg.registry import DATASETS
from mmseg.structures import SegDataSample
from ..apis.inference import colorize, init_segmentor
from ..apis.mc_dropout import init_mc_dropout_segmentor
from ..evaluation.metrics.calibration_metric import CalibrationMetric
from ..evaluation.metrics.calibration_stats import (
    NUM_BINS, expected_calibration_error, total_statistics)
from ..utils.typing_utils import PathLike

SPLITS = ('train', 'val', 'test')
# Colours of the error map (RGB): a correct pixel, a wrong one, void.
CORRECT_RGB = (255, 255, 255)
WRONG_RGB = (220, 30, 30)
VOID_RGB = (128, 128, 128)


class Setting(NamedTuple):
    """One way of testing a checkpoint.

    Attributes:
        label (str): Panel title, e.g. 'weight averaging'.
        mc_samples (int): Dropout samples per image; 0 or 1 is one
            deterministic pass with dropout off (weight averaging).
        temperature (float): T dividing the logits, fitted at
            ``mc_samples`` (``tools/analysis_tools/fit_temperature.py``).
            Default: 1.0.
    """
    label: str
    mc_samples: int
    temperature: float = 1.0


class Reliability(NamedTuple):
    """Per-bin sums of :func:`~segnet_mm.evaluation.metrics.calibration_stats.
    pixel_statistics` over some images, float64, (num_bins, ).

    Attributes:
        count (np.ndarray): Pixels per confidence bin.
        confidence (np.ndarray): Sum of their top-label confidences.
        correct (np.ndarray): How many of them are predicted right.
        ece (float): Top-label ECE of these sums, a fraction.
        images (int): Images summed.
    """
    count: np.ndarray
    confidence: np.ndarray
    correct: np.ndarray
    ece: float
    images: int

    @property
    def accuracy(self) -> np.ndarray:
        """Accuracy per bin, NaN in empty bins, (num_bins, )."""
        return _mean(self.correct, self.count)

    @property
    def mean_confidence(self) -> np.ndarray:
        """Mean confidence per bin, NaN in empty bins, (num_bins, )."""
        return _mean(self.confidence, self.count)


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


def _mean(total: np.ndarray, count: np.ndarray) -> np.ndarray:
    out = np.full(count.shape, np.nan)
    np.divide(total, count, out=out, where=count > 0)
    return out


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


def split_dataset(cfg: Config, split: str) -> BaseDataset:
    """The dataset of the config's ``<split>_dataloader`` (its pipeline
    loads the labels and packs the inputs).

    Raises:
        ValueError: if ``split`` is not one of ``SPLITS``.
    """
    if split not in SPLITS:
        raise ValueError(f'split must be one of {SPLITS}, got {split!r}')
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    return DATASETS.build(copy.deepcopy(cfg[f'{split}_dataloader'].dataset))


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


def predict(model: BaseSegmentor, dataset: BaseDataset,
            indices: Sequence[int]) -> Iterator[Tuple[dict, SegDataSample]]:
    """``(data, sample)`` per index: the pipeline's output and the model's
    ``test_step`` data sample (``seg_logits``, ``pred_sem_seg`` and
    ``gt_sem_seg`` at the label's size)."""
    with torch.no_grad():
        for index in indices:
            data = dataset[index]
            yield data, model.test_step(pseudo_collate([data]))[0]


def calibration_metric(setting: Setting,
                       dataset_meta: dict,
                       ignore_index: int = 255,
                       num_bins: int = NUM_BINS) -> CalibrationMetric:
    """A ``CalibrationMetric`` scoring predictions as ``setting`` says:
    its ``temperature``, fitted at its ``mc_samples``."""
    metric = CalibrationMetric(
        temperature=setting.temperature,
        mc_samples=max(setting.mc_samples, 1),
        ignore_index=ignore_index,
        num_bins=num_bins,
        prefix='reliability')
    metric.dataset_meta = dataset_meta
    return metric


def metric_reliability(metric: CalibrationMetric) -> Reliability:
    """The per-bin sums of the images ``metric`` has processed."""
    total = total_statistics(metric.results, metric.num_bins,
                             metric.num_uncertainty_bins)
    return Reliability(
        count=total['count'].numpy(),
        confidence=total['confidence'].numpy(),
        correct=total['correct'].numpy(),
        ece=expected_calibration_error(total['count'], total['confidence'],
                                       total['correct']),
        images=len(metric.results))


def reliability_of(samples: Sequence[SegDataSample],
                   setting: Setting,
                   dataset_meta: dict,
                   ignore_index: int = 255,
                   num_bins: int = NUM_BINS) -> Reliability:
    """Sum ``CalibrationMetric``'s per-bin statistics of some predictions.

    Args:
        samples (Sequence[SegDataSample]): Predictions with ``seg_logits``
            (K, H, W) and ``gt_sem_seg``, from ``setting.mc_samples``.
        setting (Setting): Its ``temperature`` and the ``mc_samples`` T was
            fitted at.
        dataset_meta (dict): With ``classes``.
        ignore_index (int): Void label. Default: 255.
        num_bins (int): Confidence bins. Default: 15.

    Returns:
        Reliability: The sums and their ECE.

    Raises:
        ValueError: as ``CalibrationMetric.process`` does, e.g. for a T
            fitted at another ``mc_samples`` than the samples'.
    """
    metric = calibration_metric(setting, dataset_meta, ignore_index,
                                num_bins)
    metric.process({}, [s.to_dict() for s in samples])
    return metric_reliability(metric)


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
        split (str): A config dataloader, one of ``SPLITS``.
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
    cfg = Config.fromfile(str(config))
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
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
        for _, pred in predict(model, dataset, range(num_images)):
            for metric in metrics.values():
                metric.process({}, [pred.to_dict()])
        results.update(
            {k: metric_reliability(m) for k, m in metrics.items()})
    return {label: results[label] for label in labels}


def plot_reliability(results: Dict[str, Reliability],
                     out_file: PathLike,
                     title: str = '',
                     dpi: int = 90) -> None:
    """Reliability diagrams side by side, one per setting: accuracy per
    confidence bin (bars), the gap from it to the bin's mean confidence
    (hatched), the diagonal, ECE in the title; under each, the pixels per
    bin (log scale). Empty bins have no bar.

    Args:
        results (dict[str, Reliability]): By panel title.
        out_file (str | Path): Figure file (PNG, PDF ... by suffix).
        title (str): Figure title. Default: ''.
        dpi (int): Default: 90.
    """
    if not results:
        raise ValueError('nothing to plot: no results')
    fig = Figure(figsize=(4.2 * len(results), 5.6), layout='constrained')
    axes = fig.subplots(
        2, len(results), squeeze=False, sharex=True,
        gridspec_kw=dict(height_ratios=(3, 1)))
    for (label, rel), top, bottom in zip(results.items(), axes[0], axes[1]):
        num_bins = len(rel.count)
        width = 1 / num_bins
        centers = (np.arange(num_bins) + 0.5) * width
        filled = rel.count > 0
        acc, conf = rel.accuracy, rel.mean_confidence
        top.bar(centers[filled], acc[filled], width, color='tab:blue',
                edgecolor='black', linewidth=0.5, label='accuracy')
        top.bar(centers[filled], (conf - acc)[filled], width,
                bottom=acc[filled], color='tab:red', alpha=0.3,
                edgecolor='tab:red', hatch='//', linewidth=0.5,
                label='gap to mean confidence')
        top.plot([0, 1], [0, 1], 'k--', linewidth=1, label='calibrated')
        top.set_xlim(0, 1)
        top.set_ylim(0, 1)
        top.set_ylabel('accuracy')
        top.set_title(f'{label}\nECE {rel.ece * 100:.2f}% '
                      f'({int(rel.count.sum()):,} pixels)')
        top.legend(loc='upper left', fontsize='small')
        bottom.bar(centers[filled], rel.count[filled], width,
                   color='tab:gray', edgecolor='black', linewidth=0.5)
        bottom.set_yscale('log')
        bottom.set_xlabel('top-label confidence')
        bottom.set_ylabel('pixels')
    if title:
        fig.suptitle(title)
    Path(out_file).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out_file, dpi=dpi)


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
        split (str): One of ``SPLITS``. Default: 'test'.
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
    cfg = Config.fromfile(str(config))
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    dataset = split_dataset(cfg, split)
    indices = frame_indices(dataset, names)
    model = build_segmentor(cfg, checkpoint, mc_samples, device)
    torch.manual_seed(seed)
    frames = []
    for name, (data, sample) in zip(names,
                                    predict(model, dataset, indices)):
        # LoadImageFromFile reads BGR.
        image = data['inputs'].permute(1, 2, 0).numpy()[..., ::-1]
        frames.append(
            FrameResult(
                name=name,
                image=np.ascontiguousarray(image),
                pred=sample.pred_sem_seg.data[0].cpu().long().numpy(),
                label=sample.gt_sem_seg.data[0].cpu().long().numpy(),
                entropy=sample.entropy.data[0].cpu().float().numpy()))
    return frames, model.dataset_meta


def error_map(pred: np.ndarray,
              label: np.ndarray,
              ignore_index: int = 255) -> np.ndarray:
    """RGB uint8 (H, W, 3): ``WRONG_RGB`` where ``pred`` differs from a
    non-void ``label``, ``VOID_RGB`` on void, ``CORRECT_RGB`` elsewhere."""
    out = np.empty((*label.shape, 3), np.uint8)
    out[...] = CORRECT_RGB
    out[pred != label] = WRONG_RGB
    out[label == ignore_index] = VOID_RGB
    return out


def plot_qualitative(frames: Sequence[FrameResult],
                     dataset_meta: dict,
                     out_file: PathLike,
                     mc_samples: int,
                     title: str = '',
                     ignore_index: int = 255,
                     entropy_levels: int = 16,
                     dpi: int = 80) -> None:
    """One row per frame: image | prediction (palette) | error map (wrong
    red, void grey) | predictive entropy (0 to log K nats), with the
    frame's pixel accuracy and a class legend.

    The entropy is drawn in ``entropy_levels`` colours, which also keeps
    the PNG small (a continuous map of noisy entropy compresses badly).

    Args:
        frames (Sequence[FrameResult]): From :func:`qualitative_frames`.
        dataset_meta (dict): ``classes`` and ``palette``.
        out_file (str | Path): Figure file.
        mc_samples (int): T of the frames, for the column titles.
        title (str): Figure title. Default: ''.
        ignore_index (int): Void label. Default: 255.
        entropy_levels (int): Colours of the entropy map. Default: 16.
        dpi (int): Default: 80.
    """
    if not frames:
        raise ValueError('nothing to plot: no frames')
    classes, palette = dataset_meta['classes'], dataset_meta['palette']
    max_entropy = math.log(len(classes))
    height, width = frames[0].label.shape
    fig = Figure(
        figsize=(4 * 3, len(frames) * 3 * height / width + 1.4),
        layout='constrained')
    axes = fig.subplots(len(frames), 4, squeeze=False)
    titles = ('image', f'prediction (MC dropout, T = {mc_samples})',
              'errors (red), void (grey)',
              f'predictive entropy, nats (T = {mc_samples})')
    for frame, row in zip(frames, axes):
        valid = frame.label != ignore_index
        accuracy = (frame.pred == frame.label)[valid].mean() if \
            valid.any() else math.nan
        # Void keeps the prediction's colour; the error map shows it grey.
        # Maps are shown unblended ('nearest'): only palette colours.
        row[0].imshow(frame.image)
        row[1].imshow(colorize(frame.pred, palette), interpolation='nearest')
        row[2].imshow(
            error_map(frame.pred, frame.label, ignore_index),
            interpolation='nearest')
        shown = row[3].imshow(
            frame.entropy,
            cmap=colormaps['inferno'].resampled(entropy_levels),
            vmin=0,
            vmax=max_entropy,
            interpolation='nearest')
        fig.colorbar(shown, ax=row[3], fraction=0.046, pad=0.02)
        row[0].set_ylabel(f'{frame.name}\npixel acc. {accuracy * 100:.1f}%')
        for ax in row:
            ax.set_xticks([])
            ax.set_yticks([])
    for ax, text in zip(axes[0], titles):
        ax.set_title(text, fontsize='medium')
    fig.legend(
        handles=[
            Patch(color=np.asarray(c) / 255, label=n)
            for n, c in zip(classes, palette)
        ],
        loc='outside lower center',
        ncol=min(len(classes), 11),
        fontsize='small')
    if title:
        fig.suptitle(title)
    Path(out_file).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out_file, dpi=dpi, **_save_options(out_file))


def _save_options(out_file: PathLike) -> dict:
    """Pillow's smallest PNG encoding for a ``.png``, else none."""
    if str(out_file).lower().endswith('.png'):
        return dict(pil_kwargs=dict(optimize=True))
    return {}
