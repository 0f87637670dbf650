import itertools
import random
from typing import Iterator, Optional, Sequence

import numpy as np
from mmengine.dataset import BaseDataset, InfiniteSampler
from mmengine.dist import get_rank
from mmengine.logging import print_log
from mmengine.runner import IterBasedTrainLoop
from mmengine.runner.loops import _InfiniteDataloaderIterator
from torch.utils.data import Sampler

from mmseg.registry import LOOPS


class SeededIndex(int):
    """A dataset index that carries the seed of its sample's random
    transforms (mmengine's ``BaseDataset`` passes it on as the sample's
    ``sample_idx``)."""

    def __new__(cls, index: int, seed: int) -> 'SeededIndex':
        obj = super().__new__(cls, index)
        obj.seed = seed
        return obj

    def __reduce__(self):
        return SeededIndex, (int(self), self.seed)


class SeedRandomTransforms:
    """The first transform of a training pipeline under
    :class:`FastResumeIterBasedTrainLoop`: seeds numpy's and Python's
    random generators from the sample's :class:`SeededIndex`, so the
    transforms after it draw the same numbers for the same place in the
    sample stream, whichever process loads it and whatever was loaded
    before."""

    def __call__(self, results: dict) -> dict:
        seed = getattr(results.get('sample_idx'), 'seed', None)
        if seed is not None:
            np.random.seed(seed)
            random.seed(seed)
        return results


class _SeededStream(Sampler):
    """An ``InfiniteSampler``'s index stream from its start, each index
    with a seed of (sampler seed, rank, place in the stream), less the
    first ``num_skipped``: those are drawn (cheap) but never loaded.

    ``InfiniteSampler`` iterates one generator made at construction, which
    the dataloader's first iterator has already advanced; a fresh stream
    from the same seed is the one an uninterrupted run draws.
    """

    def __init__(self, sampler: InfiniteSampler, num_skipped: int) -> None:
        self.sampler = sampler
        self.num_skipped = num_skipped
        self.rank = get_rank()

    def __iter__(self) -> Iterator[SeededIndex]:
        stream = itertools.islice(self.sampler._indices_of_rank(),
                                  self.num_skipped, None)
        for place, index in enumerate(stream, self.num_skipped):
            seed = np.random.SeedSequence(
                [self.sampler.seed, self.rank, place]).generate_state(1)[0]
            yield SeededIndex(index, int(seed))

    def __len__(self) -> int:
        return len(self.sampler)


class _PlaceholderBatches:
    """Yields ``count`` placeholders (the batches a resumed loop steps
    over), then ``iterator``'s batches."""

    def __init__(self, iterator: _InfiniteDataloaderIterator,
                 count: int) -> None:
        self.iterator = iterator
        self.count = count

    def __iter__(self):
        return self

    def __next__(self) -> Sequence[dict]:
        if self.count:
            self.count -= 1
            return []
        return next(self.iterator)


@LOOPS.register_module()
class FastResumeIterBasedTrainLoop(IterBasedTrainLoop):
    """``IterBasedTrainLoop`` whose resume skips the trained iterations'
    samples in the sampler instead of loading their batches, and trains on
    what the uninterrupted run would have.

    mmengine's loop resumed at iteration ``i`` loads and drops ``i`` whole
    batches before training on (open-mmlab/mmengine#1520), which takes
    minutes on a CPU. With an ``InfiniteSampler`` (or a subclass), a plain
    ``batch_size`` and an mmengine ``BaseDataset`` with a pipeline, this
    loop starts the sampler's index stream ``i * batch_size`` samples in,
    and seeds each sample's random transforms from its place in the stream
    (:class:`SeedRandomTransforms`), so the samples and their
    augmentations after a resume are the uninterrupted run's, for any
    ``num_workers``, and none of the skipped samples is read. Workers the
    dataloader started before training are restarted once, with the
    seeding in place. With another sampler, a custom batch sampler or a
    dataset wrapper, it trains and resumes as mmengine's loop does.

    Args: as ``IterBasedTrainLoop``.
    """

    def run(self):
        dataset = self._seedable_dataset()
        if dataset is None:
            print_log(
                'FastResumeIterBasedTrainLoop needs an InfiniteSampler, a '
                'batch_size and a BaseDataset with a pipeline: a resume '
                'loads the trained batches to skip them', logger='current')
        else:
            self._restart_seeded(dataset)
        return super().run()

    def _seedable_dataset(self) -> Optional[BaseDataset]:
        sampler = getattr(self.dataloader.batch_sampler, 'sampler', None)
        dataset = self.dataloader.dataset
        if isinstance(sampler, (InfiniteSampler, _SeededStream)) and \
                self.dataloader.batch_size is not None and \
                isinstance(dataset, BaseDataset) and \
                hasattr(dataset.pipeline, 'transforms'):
            return dataset
        return None

    def _restart_seeded(self, dataset: BaseDataset) -> None:
        """Seed the pipeline, start the stream past the trained samples in
        a new iterator (new workers: the ones of the iterator made at
        construction hold the unseeded pipeline, and end with it), and make
        the first ``self._iter`` batches placeholders for the parent's
        advance."""
        self.dataloader._iterator = None  # persistent workers' iterator
        transforms = dataset.pipeline.transforms
        if not transforms or not isinstance(transforms[0],
                                            SeedRandomTransforms):
            transforms.insert(0, SeedRandomTransforms())
        batch_sampler = self.dataloader.batch_sampler
        sampler = batch_sampler.sampler
        if isinstance(sampler, _SeededStream):
            sampler = sampler.sampler
        skipped = self._iter * self.dataloader.batch_size
        batch_sampler.sampler = _SeededStream(sampler, skipped)
        self.dataloader_iterator = _PlaceholderBatches(
            _InfiniteDataloaderIterator(self.dataloader), self._iter)
        if self._iter:
            print_log(
                f'Resuming at iteration {self._iter}: the sampler skips the '
                f'{skipped} samples already trained on, without loading '
                'them', logger='current')
