"""FastResumeIterBasedTrainLoop: after a resume at iteration k the batches
are those an uninterrupted run draws after k, random transforms included,
and the skipped ones are never loaded."""
import pickle

import numpy as np
import pytest
from mmengine.dataset import (BaseDataset, DefaultSampler, InfiniteSampler,
                              pseudo_collate)
from mmengine.runner.loops import _InfiniteDataloaderIterator
from torch.utils.data import DataLoader

from segnet_mm.engine import FastResumeIterBasedTrainLoop
from segnet_mm.engine.runner.fast_resume_iter_based_train_loop import \
    SeededIndex


def random_draw(results):
    """A random transform: numpy's global generator, as mmcv's use."""
    results['draw'] = int(np.random.randint(1 << 30))
    return results


class Recording(BaseDataset):
    """Samples 0..size-1 through one random transform; the loads are
    recorded (in this process)."""

    def __init__(self, size=7):
        self.size = size
        self.loaded = []
        super().__init__(pipeline=[random_draw], serialize_data=False)

    def load_data_list(self):
        return [dict(i=i) for i in range(self.size)]

    def prepare_data(self, idx):
        self.loaded.append(int(idx))
        return super().prepare_data(idx)


def dataloader(num_workers=0, sampler=InfiniteSampler, dataset=None):
    dataset = dataset or Recording()
    return DataLoader(
        dataset, batch_size=2, num_workers=num_workers,
        sampler=sampler(dataset, shuffle=True, seed=3),
        collate_fn=pseudo_collate, persistent_workers=num_workers > 0)


def loop_at(loader, iteration):
    """The loop as Runner.train leaves it before ``run`` (its dataloader
    iterator made at construction, ``_iter`` loaded by a resume), after the
    restart ``run`` does and IterBasedTrainLoop.run's advance."""
    loop = FastResumeIterBasedTrainLoop.__new__(FastResumeIterBasedTrainLoop)
    loop.dataloader = loader
    loop.dataloader_iterator = _InfiniteDataloaderIterator(loader)
    loop._iter = iteration
    dataset = loop._seedable_dataset()
    if dataset is not None:
        loop._restart_seeded(dataset)
    for _ in range(iteration):
        next(loop.dataloader_iterator)
    return loop


def batches(loop, count):
    """(sample, random draw) pairs of the next ``count`` batches."""
    return [
        list(zip(batch['i'], batch['draw']))
        for batch in (next(loop.dataloader_iterator) for _ in range(count))
    ]


@pytest.mark.parametrize('num_workers', [0, 2])
def test_batches_after_resume_equal_the_uninterrupted_run(num_workers):
    straight = batches(loop_at(dataloader(), 0), 12)
    resumed = loop_at(dataloader(num_workers), 5)
    assert batches(resumed, 7) == straight[5:]
    # The random draws differ from sample to sample.
    assert len({draw for batch in straight for _, draw in batch}) == 24


def test_skipped_iterations_are_not_loaded():
    dataset = Recording()
    loop = loop_at(dataloader(dataset=dataset), 5)
    assert dataset.loaded == []
    batches(loop, 2)
    assert len(dataset.loaded) == 4


def test_other_samplers_resume_as_mmengine_does():
    """A DefaultSampler's batches are loaded and dropped, as mmengine's
    own loop does."""
    dataset = Recording()
    loop_at(dataloader(sampler=DefaultSampler, dataset=dataset), 2)
    assert len(dataset.loaded) == 4


def test_seeded_index_survives_pickling():
    index = pickle.loads(pickle.dumps(SeededIndex(4, seed=12345)))
    assert (index, index.seed) == (4, 12345)
