"""predict_split: one pass over batches without gradients, the model's
test_step unless a step is given; the split's dataset and dataloader."""
import pytest
import torch

from segnet_mm.apis.split_inference import (predict_split, split_dataloader,
                                            split_dataset)
from tests.utils import cfg_options, data_options, small_config


class Doubling(torch.nn.Module):

    def __init__(self):
        super().__init__()
        self.scale = torch.nn.Parameter(torch.tensor(2.))

    def test_step(self, batch):
        return [self.scale * x for x in batch['data_samples']]


def test_predict_split_runs_test_step_without_gradients():
    model = Doubling()
    batches = [dict(data_samples=[torch.tensor(1.), torch.tensor(2.)]),
               dict(data_samples=[torch.tensor(3.)])]
    out = list(predict_split(model, batches, num_samples=3))
    assert [b for b, _ in out] == batches
    assert [[float(x) for x in o] for _, o in out] == [[2., 4.], [6.]]
    assert not any(x.requires_grad for _, o in out for x in o)
    halves = predict_split(model, batches, lambda b: len(b['data_samples']))
    assert [o for _, o in halves] == [2, 1]


def test_split_dataset_and_dataloader(camvid_root):
    cfg = small_config()
    cfg.merge_from_dict(cfg_options(data_options(camvid_root)))
    assert len(split_dataset(cfg, 'val')) == 4
    assert len(split_dataloader(cfg, 'test').dataset) == 4
    for build in (split_dataset, split_dataloader):
        with pytest.raises(ValueError, match="got 'testing'"):
            build(cfg, 'testing')
