"""FastResumeIterBasedTrainLoop: after a resume at iteration k the batches
are those an uninterrupted run draws after k, and the skipped ones are
never loaded."""
import pytest
from mmengine.dataset import DefaultSampler, InfiniteSampler, pseudo_collate
from mmengine.runner.loops import _InfiniteDataloaderIterator
from torch.utils.data import DataLoader, Dataset

from segnet_mm.engine import FastResumeIterBasedTrainLoop


class Recording(Dataset):
    """Items are their own indices; loads are recorded (in this process)."""

    def __init__(self, size=7):
        self.size = size
        self.loaded = []

    def __len__(self):
        return self.size

    def __getitem__(self, index):
        self.loaded.append(index)
        return index


def dataloader(dataset, num_workers=0, sampler=InfiniteSampler):
    return DataLoader(
        dataset, batch_size=2, num_workers=num_workers,
        sampler=sampler(dataset, shuffle=True, seed=3),
        collate_fn=pseudo_collate, persistent_workers=num_workers > 0)


def resumed_loop(loader, trained):
    """The loop as Runner.train leaves it before ``run``: its dataloader
    iterator built at construction, ``_iter`` loaded by the resume."""
    loop = FastResumeIterBasedTrainLoop.__new__(FastResumeIterBasedTrainLoop)
    loop.dataloader = loader
    loop.dataloader_iterator = _InfiniteDataloaderIterator(loader)
    loop._iter = trained
    loop._skip_trained_samples()
    for _ in range(trained):  # IterBasedTrainLoop.run's advance
        next(loop.dataloader_iterator)
    return loop


def batches(iterator, count):
    return [next(iterator) for _ in range(count)]


@pytest.mark.parametrize('num_workers', [0, 2])
def test_batches_after_resume_equal_the_uninterrupted_run(num_workers):
    straight = batches(
        _InfiniteDataloaderIterator(dataloader(Recording())), 12)
    loop = resumed_loop(dataloader(Recording(), num_workers), trained=5)
    assert batches(loop.dataloader_iterator, 7) == straight[5:]


def test_skipped_iterations_are_not_loaded():
    dataset = Recording()
    loop = resumed_loop(dataloader(dataset), trained=5)
    assert dataset.loaded == []
    batches(loop.dataloader_iterator, 2)
    assert len(dataset.loaded) == 4


def test_other_samplers_resume_as_mmengine_does():
    """A DefaultSampler's batches are loaded and dropped, as mmengine's
    own loop does."""
    dataset = Recording()
    resumed_loop(dataloader(dataset, sampler=DefaultSampler), trained=2)
    assert len(dataset.loaded) == 4
