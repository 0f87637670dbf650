"""recompute_bn_statistics against means and variances computed by hand,
and the dataloader it reads."""
import pytest
import torch
import torch.nn as nn

from mmseg.registry import MODELS
from segnet_mm.engine import (bn_layers, bn_statistics_dataloader,
                              bn_statistics_gap, recompute_bn_statistics)
from tests.utils import build_camvid, cfg_options, data_options, small_config


class Stack(nn.Module):
    """Stands for a segmentor's data preprocessor: stacks the inputs."""

    def forward(self, batch, training=False):
        return dict(inputs=torch.stack(batch['inputs']), data_samples=None)


class TinySegmentor(nn.Module):
    """A segmentor whose BN sees its input (after an optional dropout)."""

    def __init__(self, channels=3, dropout=0.0):
        super().__init__()
        self.data_preprocessor = Stack()
        self.dropout = nn.Dropout(dropout)
        self.bn = nn.BatchNorm2d(channels)

    def _forward(self, inputs, data_samples=None):
        return self.bn(self.dropout(inputs))


def batches(num=3, size=4, seed=0, shift=3.0):
    g = torch.Generator().manual_seed(seed)
    return [
        dict(inputs=list(torch.randn(size, 3, 5, 6, generator=g) * (i + 1) +
                         shift * i)) for i in range(num)
    ]


def by_hand(data):
    """Average of the per-batch means and unbiased (m/(m-1)) variances."""
    means, variances = [], []
    for batch in data:
        x = torch.stack(batch['inputs']).transpose(0, 1).flatten(1)
        means.append(x.mean(1))
        m = x.shape[1]
        variances.append(x.var(1, unbiased=False) * m / (m - 1))
    return torch.stack(means).mean(0), torch.stack(variances).mean(0)


def test_statistics_are_the_average_over_batches_by_hand():
    model, data = TinySegmentor(), batches()
    assert recompute_bn_statistics(model, data) == 3
    mean, var = by_hand(data)
    torch.testing.assert_close(model.bn.running_mean, mean)
    torch.testing.assert_close(model.bn.running_var, var)


def test_num_batches_takes_the_first_ones():
    model, data = TinySegmentor(), batches()
    assert recompute_bn_statistics(model, data, num_batches=2) == 2
    torch.testing.assert_close(model.bn.running_mean, by_hand(data[:2])[0])


def test_dropout_stays_off_unless_asked():
    data = batches()
    off = TinySegmentor(dropout=0.5)
    recompute_bn_statistics(off, data)
    torch.testing.assert_close(off.bn.running_var, by_hand(data)[1])
    on = TinySegmentor(dropout=0.5)
    torch.manual_seed(0)
    recompute_bn_statistics(on, data, dropout=True)
    # Inverted dropout at p=0.5 doubles the survivors: the variance grows.
    assert (on.bn.running_var > 1.5 * off.bn.running_var).all()


def test_modes_and_momentum_are_restored():
    model = TinySegmentor(dropout=0.5)
    model.train()
    model.bn.momentum = 0.3
    model.bn.num_batches_tracked.fill_(7)
    recompute_bn_statistics(model, batches())
    assert model.training and model.bn.training and model.dropout.training
    assert model.bn.momentum == 0.3
    assert model.bn.num_batches_tracked.item() == 7
    model.eval()
    recompute_bn_statistics(model, batches())
    assert not any(m.training for m in model.modules())


def test_no_bn_is_a_clear_error():
    model = TinySegmentor()
    model.bn = nn.Identity()
    with pytest.raises(ValueError, match='TinySegmentor has no batch-norm'):
        recompute_bn_statistics(model, batches())


@pytest.mark.parametrize('data, num_batches, match', [
    ([], None, 'no batches'),
    (batches(), 0, 'num_batches must be >= 1'),
])
def test_failure_keeps_the_old_statistics(data, num_batches, match):
    model = TinySegmentor()
    model.bn.running_mean.fill_(2.0)
    with pytest.raises(ValueError, match=match):
        recompute_bn_statistics(model, data, num_batches)
    assert (model.bn.running_mean == 2.0).all()
    assert model.bn.momentum == 0.1


def test_segnet_first_bn_sees_its_conv_over_the_training_split(camvid_root):
    """The small SegNet over the synthetic split: the first BN's
    statistics are those of its conv's outputs on the loader's batches."""
    cfg = small_config()
    cfg.merge_from_dict(cfg_options(data_options(camvid_root)))
    cfg.train_dataloader.batch_size = 3
    model = MODELS.build(cfg.model)
    model.init_weights()
    loader = bn_statistics_dataloader(cfg.train_dataloader, seed=0)
    data = list(loader)
    assert [len(b['inputs']) for b in data] == [3]  # 4 images, last dropped
    first_bn = bn_layers(model)[0]
    seen = []
    first_bn.register_forward_pre_hook(lambda m, x: seen.append(x[0]))
    assert recompute_bn_statistics(model, data) == 1
    x = seen[0].transpose(0, 1).flatten(1)
    torch.testing.assert_close(first_bn.running_mean, x.mean(1))
    torch.testing.assert_close(first_bn.running_var, x.var(1))


def test_dataloader_shuffles_by_seed_whatever_the_training_sampler(
        camvid_root):
    cfg = small_config()
    cfg.merge_from_dict(cfg_options(data_options(camvid_root)))
    cfg.train_dataloader.batch_size = 1
    names = [[s.img_path for b in bn_statistics_dataloader(
        cfg.train_dataloader, seed=seed) for s in b['data_samples']]
             for seed in (0, 0, 1)]
    assert names[0] == names[1] != names[2]
    assert sorted(names[0]) == sorted(
        d['img_path'] for d in build_camvid(camvid_root).load_data_list())


def test_gap_by_hand():
    old = {'bn.running_mean': torch.tensor([1.0, 0.0]),
           'bn.running_var': torch.tensor([4.0, 1.0]),
           'bn.weight': torch.ones(2)}
    new = {'bn.running_mean': torch.tensor([0.0, 0.0]),
           'bn.running_var': torch.tensor([1.0, 4.0]),
           'bn.weight': torch.ones(2)}
    (gap, ) = bn_statistics_gap(old, new)
    assert gap.layer == 'bn'
    assert gap.mean_shift == pytest.approx(0.5, rel=1e-4)  # (1/1 + 0/2) / 2
    assert gap.variance_ratio == pytest.approx(1.0, rel=1e-4)  # sqrt(4 * 1/4)
