"""Temperature scaling (`Guo et al. 2017 <https://arxiv.org/abs/1706.04599>`_):
one scalar T > 0 dividing the logits, fitted by minimising the NLL on
held-out pixels, leaves the argmax (and so mIoU) unchanged and calibrates
the softmax."""
import math
import warnings
from typing import Dict, Iterable, NamedTuple, Tuple

import torch
from torch import Tensor

from .metrics.calibration_stats import (pixel_statistics, summarize,
                                        total_statistics)

# The golden ratio's inverse, 0.618...: golden-section step.
_GOLDEN = (math.sqrt(5) - 1) / 2


class TemperatureFit(NamedTuple):
    """A fitted temperature and its effect on the pixels it was fitted on.

    Attributes:
        temperature (float): T.
        mc_samples (int): Dropout samples per image of the predictions
            fitted on (``MCDropoutEncoderDecoder.mc_samples``), 1 for a
            deterministic prediction: T scales the log of their mean
            softmax, so it holds for that number only.
        num_pixels (int): Pixels fitted on.
        before (dict[str, float]): ``ECE``, ``NLL``, ``Brier`` at T = 1, as
            :func:`calibration_summary` gives them.
        after (dict[str, float]): The same at T.
    """
    temperature: float
    mc_samples: int
    num_pixels: int
    before: Dict[str, float]
    after: Dict[str, float]


def sample_pixels(pairs: Iterable[Tuple[Tensor, Tensor]],
                  max_pixels: int = 2_000_000,
                  ignore_index: int = 255,
                  seed: int = 0) -> Tuple[Tensor, Tensor]:
    """A uniform random sample, without replacement, of the non-void pixels
    of a stream of images, in bounded memory.

    Each pixel draws a random key and the ``max_pixels`` smallest keys
    seen so far are kept (bottom-k sampling), so memory holds the sample
    plus one image whatever the length of the stream.

    Args:
        pairs (Iterable[tuple[Tensor, Tensor]]): Per image, logits
            (K, H, W) and labels (H, W) or (1, H, W), on any device.
        max_pixels (int): Sample size; fewer if fewer pixels are valid.
            Default: 2_000_000.
        ignore_index (int): Label of void pixels. Default: 255.
        seed (int): Seed of the keys. Default: 0.

    Returns:
        tuple[Tensor, Tensor]: float32 logits (N, K) and int64 labels
        (N, ), on the CPU, in no particular order.

    Raises:
        ValueError: naming the image's index if its logits and labels
            differ in size or its labels fall outside 0..K-1 and
            ``ignore_index``, or if no pixel is valid.
    """
    if isinstance(max_pixels, bool) or not isinstance(max_pixels, int) \
            or max_pixels < 1:
        raise ValueError(f'max_pixels must be an int >= 1, got {max_pixels!r}')
    generator = torch.Generator().manual_seed(seed)
    keys = logits = labels = None
    for i, (image_logits, image_labels) in enumerate(pairs):
        num_classes = image_logits.shape[0]
        if image_labels.shape[-2:] != image_logits.shape[1:] or \
                image_labels.numel() != image_logits[0].numel():
            raise ValueError(
                f'image {i}: logits {tuple(image_logits.shape)} and labels '
                f'{tuple(image_labels.shape)} differ in size')
        flat = image_labels.reshape(-1).cpu().long()
        valid = flat != ignore_index
        flat = flat[valid]
        bad = flat[(flat < 0) | (flat >= num_classes)]
        if bad.numel():
            raise ValueError(
                f'image {i}: labels {bad.unique().tolist()} are outside '
                f'0..{num_classes - 1} and ignore_index {ignore_index}')
        image_keys = torch.rand(
            flat.numel(), generator=generator, dtype=torch.float64)
        pixels = image_logits.flatten(1).T.cpu().float()[valid]
        if keys is None:
            keys, logits, labels = image_keys, pixels, flat
        else:
            keys = torch.cat([keys, image_keys])
            logits = torch.cat([logits, pixels])
            labels = torch.cat([labels, flat])
        if keys.numel() > max_pixels:
            keep = keys.topk(max_pixels, largest=False).indices
            keys, logits, labels = keys[keep], logits[keep], labels[keep]
    if keys is None or not keys.numel():
        raise ValueError('no valid pixel to fit a temperature on: every '
                         f'label is ignore_index {ignore_index}')
    return logits, labels


def temperature_nll(logits: Tensor, labels: Tensor,
                    temperature: float) -> float:
    """Mean ``-log softmax(logits / temperature)[label]`` in nats.

    Args:
        logits (Tensor): (N, K).
        labels (Tensor): int64 in [0, K), (N, ).
        temperature (float): T > 0.
    """
    log_probs = (logits.float() / temperature).log_softmax(dim=1)
    return -float(
        log_probs.gather(1, labels[:, None]).sum(dtype=torch.float64)
    ) / labels.numel()


def fit_temperature(logits: Tensor,
                    labels: Tensor,
                    bounds: Tuple[float, float] = (0.01, 100.0),
                    tolerance: float = 1e-4) -> float:
    """The T minimising :func:`temperature_nll`, by golden-section search
    over log T in ``bounds``.

    The NLL is convex in 1/T (a log-sum-exp of linear functions minus a
    linear one), so it has one minimum along log T and the search finds
    it; it warns if that minimum is at a bound (e.g. when every pixel is
    classified right, larger 1/T always helps).

    Args:
        logits (Tensor): Held-out pixels' logits, (N, K), e.g. from
            :func:`sample_pixels`.
        labels (Tensor): Their labels in [0, K), int64, (N, ).
        bounds (tuple[float, float]): Range of T. Default: (0.01, 100).
        tolerance (float): Width of the final bracket of log T.
            Default: 1e-4.

    Returns:
        float: T.
    """
    low, high = bounds
    if not 0 < low < high < math.inf:
        raise ValueError(f'bounds must be 0 < low < high, got {bounds!r}')
    lo, hi = math.log(low), math.log(high)

    def nll(log_t: float) -> float:
        return temperature_nll(logits, labels, math.exp(log_t))

    left = hi - _GOLDEN * (hi - lo)
    right = lo + _GOLDEN * (hi - lo)
    nll_left, nll_right = nll(left), nll(right)
    while hi - lo > tolerance:
        if nll_left <= nll_right:
            hi, right, nll_right = right, left, nll_left
            left = hi - _GOLDEN * (hi - lo)
            nll_left = nll(left)
        else:
            lo, left, nll_left = left, right, nll_right
            right = lo + _GOLDEN * (hi - lo)
            nll_right = nll(right)
    temperature = math.exp((lo + hi) / 2)
    if min(abs(lo - math.log(low)), abs(hi - math.log(high))) <= tolerance:
        warnings.warn(f'the fitted temperature {temperature:.4g} is at the '
                      f'bound of {bounds}: the NLL keeps falling beyond it')
    return temperature


def calibration_summary(logits: Tensor, labels: Tensor,
                        temperature: float = 1.0) -> Dict[str, float]:
    """``ECE`` (a fraction), ``NLL`` (nats) and ``Brier`` of pixels'
    ``softmax(logits / temperature)``, as ``CalibrationMetric`` computes
    them."""
    summary = summarize(
        total_statistics([pixel_statistics(logits, labels, temperature)]))
    return {k: summary[k] for k in ('ECE', 'NLL', 'Brier')}


def fit_temperature_with_calibration(logits: Tensor,
                                     labels: Tensor,
                                     mc_samples: int = 1,
                                     **kwargs) -> TemperatureFit:
    """:func:`fit_temperature` with the pixels' calibration before and
    after; ``mc_samples`` is recorded as the dropout samples behind the
    logits (1: deterministic), ``kwargs`` are ``bounds`` and
    ``tolerance``."""
    temperature = fit_temperature(logits, labels, **kwargs)
    return TemperatureFit(temperature, mc_samples, labels.numel(),
                          calibration_summary(logits, labels),
                          calibration_summary(logits, labels, temperature))
