"""Reliability diagrams and uncertainty pictures: drawn from the numbers
and frames :mod:`segnet_mm.analysis.reliability` measures."""
import math
from pathlib import Path
from typing import Dict, Sequence

import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ..analysis.reliability import FrameResult
from ..apis.inference import colorize
from ..evaluation.reliability import Reliability
from ..utils.typing_utils import PathLike

# Colours of the error map (RGB): a correct pixel, a wrong one, void.
CORRECT_RGB = (255, 255, 255)
WRONG_RGB = (220, 30, 30)
VOID_RGB = (128, 128, 128)


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
