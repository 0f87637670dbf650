"""Batch-norm statistics recomputed over the training data with the weights
held fixed ("precise BN"), as SegNet's authors test: their
``compute_bn_statistics.py`` runs the training split once and gives every
BN layer the average of its per-batch means and of its per-batch unbiased
variances.

PyTorch's running averages (momentum 0.1) weigh mostly the last few dozen
training batches, taken while the weights were still moving;
:func:`recompute_bn_statistics` replaces them with an equal-weight average
over batches seen by the final weights. Unlike
``torch.optim.swa_utils.update_bn`` and fvcore's ``update_bn_stats``, it
keeps dropout off unless asked, as the authors did even for Bayesian
SegNet.
"""
import copy
import itertools
from typing import Dict, Iterable, List, NamedTuple, Optional

import torch
import torch.nn as nn
from mmengine.config import ConfigDict
from mmengine.dist import all_reduce
from mmengine.runner import Runner
from torch import Tensor
from torch.nn.modules.batchnorm import _BatchNorm
from torch.utils.data import DataLoader

from ..models.utils import dropout_layers


def bn_layers(model: nn.Module) -> List[_BatchNorm]:
    """The model's batch-norm layers that keep running statistics."""
    return [
        m for m in model.modules()
        if isinstance(m, _BatchNorm) and m.track_running_stats
    ]


@torch.no_grad()
def recompute_bn_statistics(model: nn.Module,
                            batches: Iterable[dict],
                            num_batches: Optional[int] = None,
                            dropout: bool = False) -> int:
    """Set each BN layer's running mean and variance to the average of the
    batch means and unbiased batch variances over ``batches``.

    The model runs forward only (its ``data_preprocessor`` in training
    mode, then ``_forward``), with the BN layers in training mode and the
    rest in eval mode, so dropout is off unless ``dropout`` is True. Under
    distributed training the statistics are averaged over the processes.
    The modes and momenta are restored afterwards, and the old statistics
    too if it fails.

    Args:
        model (nn.Module): A segmentor (``BaseSegmentor``) with BN layers.
        batches (Iterable[dict]): Data batches as the train dataloader
            yields them.
        num_batches (int, optional): Use the first ``num_batches``; None
            uses all. Default: None.
        dropout (bool): Keep dropout layers sampling while the statistics
            are gathered. Default: False.

    Returns:
        int: The number of batches averaged.

    Raises:
        ValueError: if the model has no BN layer with running statistics,
            ``num_batches`` is below 1, or ``batches`` is empty.
    """
    layers = bn_layers(model)
    if not layers:
        raise ValueError(f'{type(model).__name__} has no batch-norm layer '
                         'with running statistics to recompute')
    if num_batches is not None and num_batches < 1:
        raise ValueError(f'num_batches must be >= 1 or None, got '
                         f'{num_batches}')
    modes = [(m, m.training) for m in model.modules()]
    saved = [(m.momentum, copy.deepcopy(m.state_dict())) for m in layers]
    try:
        model.eval()
        for layer in layers:
            layer.reset_running_stats()
            layer.momentum = None  # a cumulative, equal-weight average
            layer.train()
        for layer in dropout_layers(model) if dropout else ():
            layer.train()
        count = 0
        for batch in itertools.islice(batches, num_batches):
            data = model.data_preprocessor(batch, True)
            model._forward(data['inputs'], data['data_samples'])
            count += 1
        if not count:
            raise ValueError('no batches to recompute BN statistics over')
        for layer in layers:
            all_reduce(layer.running_mean, op='mean')
            all_reduce(layer.running_var, op='mean')
    except BaseException:
        for layer, (_, state) in zip(layers, saved):
            layer.load_state_dict(state)
        raise
    finally:
        for layer, (momentum, state) in zip(layers, saved):
            layer.momentum = momentum
            layer.num_batches_tracked.copy_(state['num_batches_tracked'])
        for module, mode in modes:
            module.train(mode)
    return count


def bn_statistics_dataloader(train_dataloader: dict,
                             seed: Optional[int] = None) -> DataLoader:
    """A dataloader over one shuffled pass of the training split, from a
    config's ``train_dataloader`` (its dataset, pipeline and batch size).

    The sampler is a shuffling ``DefaultSampler`` seeded with ``seed``,
    whatever the training sampler is, and a last incomplete batch is
    dropped, so every batch weighs the same in the average. Its workers are
    not kept alive between passes.
    """
    cfg = ConfigDict(copy.deepcopy(dict(train_dataloader)))
    cfg.sampler = dict(type='DefaultSampler', shuffle=True)
    cfg.persistent_workers = False
    cfg.drop_last = True
    return Runner.build_dataloader(cfg, seed=seed)


class BNStatisticsGap(NamedTuple):
    """How far a BN layer's old statistics are from recomputed ones.

    Attributes:
        layer (str): The layer's name in the model.
        mean_shift (float): Mean over channels of ``|old mean - new mean|``
            in units of the new standard deviation.
        variance_ratio (float): Geometric mean over channels of
            ``old variance / new variance``.
    """
    layer: str
    mean_shift: float
    variance_ratio: float


def bn_statistics_gap(old: Dict[str, Tensor],
                      new: Dict[str, Tensor],
                      eps: float = 1e-5) -> List[BNStatisticsGap]:
    """Per BN layer (in state-dict order), the gap between the running
    statistics in state dict ``old`` and those in ``new``; ``eps`` (BN's)
    is added to each variance, as the layers do."""
    gaps = []
    for key in new:
        if not key.endswith('.running_mean'):
            continue
        layer = key[:-len('.running_mean')]
        new_var = new[f'{layer}.running_var'].double() + eps
        old_var = old[f'{layer}.running_var'].double() + eps
        shift = (old[key].double() - new[key].double()).abs() / \
            new_var.sqrt()
        gaps.append(
            BNStatisticsGap(layer,
                            shift.mean().item(),
                            (old_var / new_var).log().mean().exp().item()))
    return gaps
