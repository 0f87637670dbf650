"""Monte Carlo dropout sampling (Gal & Ghahramani 2016), the inference of
`Bayesian SegNet <https://arxiv.org/abs/1511.02680>`_ (Kendall et al.)."""
from contextlib import contextmanager
from typing import Callable, Dict, Iterator, List, NamedTuple, Sequence

import torch
import torch.nn as nn
from torch import Tensor
from torch.nn.modules.dropout import _DropoutNd


class MCDropoutResult(NamedTuple):
    """Statistics of T softmax samples.

    Attributes:
        probs (Tensor): Mean softmax probabilities, (N, K, H, W).
        pred (Tensor): Their argmax, int64 (N, H, W).
        entropy (Tensor): Predictive entropy of ``probs`` in nats,
            ``-sum_k p_k log p_k``, in [0, log K], (N, H, W).
        variance (Tensor): Variance of the T softmax samples (population,
            1/T) per class, averaged over the K classes, (N, H, W).
        mutual_information (Tensor): Mutual information between the
            prediction and the dropout mask in nats: ``entropy`` minus the
            mean entropy of the T samples, in [0, ``entropy``], (N, H, W).
    """
    probs: Tensor
    pred: Tensor
    entropy: Tensor
    variance: Tensor
    mutual_information: Tensor


def dropout_layers(model: nn.Module) -> List[nn.Module]:
    """The model's dropout layers (every ``nn.Dropout*`` kind)."""
    return [m for m in model.modules() if isinstance(m, _DropoutNd)]


@contextmanager
def dropout_sampling(model: nn.Module) -> Iterator[List[nn.Module]]:
    """Switch only the model's dropout layers to training mode.

    Norm layers and everything else keep their mode (eval at test time, so
    BN uses its running statistics and does not update them). The dropout
    layers' modes are restored on exit.

    Raises:
        ValueError: if the model has no dropout layer.
    """
    layers = dropout_layers(model)
    if not layers:
        raise ValueError(f'{type(model).__name__} has no dropout layer to '
                         'sample: MC dropout needs e.g. dropout_stages in '
                         'the backbone or decode head')
    modes = [m.training for m in layers]
    try:
        for m in layers:
            m.train()
        yield layers
    finally:
        for m, mode in zip(layers, modes):
            m.train(mode)


def mc_dropout_sample(model: nn.Module, forward: Callable[[], Tensor],
                      num_samples: int) -> MCDropoutResult:
    """Run ``forward`` ``num_samples`` times with dropout on, without grad.

    Args:
        model (nn.Module): Whose dropout layers are sampled.
        forward (Callable[[], Tensor]): Returns logits (N, K, H, W).
        num_samples (int): T >= 1.

    Returns:
        MCDropoutResult: Mean softmax, its argmax, predictive entropy,
        class-averaged sample variance and mutual information; memory is
        independent of T.
    """
    if num_samples < 1:
        raise ValueError(f'num_samples must be >= 1, got {num_samples}')
    return mc_dropout_prefixes(model, forward, [num_samples])[num_samples]


def mc_dropout_prefixes(model: nn.Module, forward: Callable[[], Tensor],
                        counts: Sequence[int]) -> Dict[int, MCDropoutResult]:
    """:func:`mc_dropout_sample` for several T from one run of
    ``max(counts)`` samples: the result for T uses the first T of them.

    The results for different T are nested, not independent, which is
    what comparing T on one draw of dropout masks asks for, at the cost of
    the largest T alone.

    Args:
        model (nn.Module): Whose dropout layers are sampled.
        forward (Callable[[], Tensor]): Returns logits (N, K, H, W).
        counts (Sequence[int]): The T, each >= 1.

    Returns:
        dict[int, MCDropoutResult]: The statistics of the first T samples,
        by T.
    """
    if not counts or min(counts) < 1:
        raise ValueError(f'numbers of samples must be >= 1, got {counts}')
    wanted = set(counts)
    results = {}
    total = squares = entropies = None
    with torch.no_grad(), dropout_sampling(model):
        for done in range(1, max(wanted) + 1):
            probs = forward().float().softmax(dim=1)
            sample_entropy = _entropy(probs)
            total = probs if total is None else total + probs
            squares = probs.square() if squares is None else \
                squares + probs.square()
            entropies = sample_entropy if entropies is None else \
                entropies + sample_entropy
            if done in wanted:
                results[done] = _statistics(total, squares, entropies, done)
    return results


def _statistics(total: Tensor, squares: Tensor, entropies: Tensor,
                count: int) -> MCDropoutResult:
    """:class:`MCDropoutResult` from the sums over ``count`` samples of the
    softmax, its square and its entropy."""
    mean = total / count
    variance = (squares / count - mean.square()).clamp_min(0)
    entropy = _entropy(mean)
    # >= 0 by Jensen's inequality; clamp the rounding error.
    mutual_information = (entropy - entropies / count).clamp_min(0)
    return MCDropoutResult(mean, mean.argmax(dim=1), entropy,
                           variance.mean(dim=1), mutual_information)


def _entropy(probs: Tensor) -> Tensor:
    """Entropy in nats over dim 1 of (N, K, H, W) probabilities."""
    return -torch.special.xlogy(probs, probs).sum(dim=1)
