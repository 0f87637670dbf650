import itertools
from typing import Iterator, Sequence

from mmengine.dataset import InfiniteSampler
from mmengine.logging import print_log
from mmengine.runner import IterBasedTrainLoop
from mmengine.runner.loops import _InfiniteDataloaderIterator
from torch.utils.data import Sampler

from mmseg.registry import LOOPS


class _SkippedSampler(Sampler):
    """An ``InfiniteSampler``'s index stream from its start, less the first
    ``num_skipped`` indices: those are drawn (cheap) but never loaded.

    ``InfiniteSampler`` iterates one generator made at construction, which
    the dataloader's first iterator (and its prefetching workers) has
    already advanced; a fresh stream from the same seed is the one the
    uninterrupted run drew.
    """

    def __init__(self, sampler: InfiniteSampler, num_skipped: int) -> None:
        self.sampler = sampler
        self.num_skipped = num_skipped

    def __iter__(self) -> Iterator[int]:
        return itertools.islice(self.sampler._indices_of_rank(),
                                self.num_skipped, None)

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
    samples in the sampler instead of loading their batches.

    mmengine's loop resumed at iteration ``i`` loads and drops ``i`` whole
    batches before training on (open-mmlab/mmengine#1520), which takes
    minutes on a CPU. With an ``InfiniteSampler`` (mmengine's, or a
    subclass) and a plain ``batch_size``, this loop starts the sampler's
    index stream ``i * batch_size`` samples in, where the uninterrupted run
    would be, so the batches after a resume are the same ones, for any
    ``num_workers``, and none of the skipped samples is read. With another
    sampler or a custom batch sampler it resumes as mmengine's loop does.
    Workers started before the resume may have prefetched a few batches
    from the start of the stream; they are dropped.

    Args: as ``IterBasedTrainLoop``.
    """

    def run(self):
        if self._iter > 0:
            self._skip_trained_samples()
        return super().run()

    def _skip_trained_samples(self) -> None:
        """Point the dataloader past the trained samples and make the first
        ``self._iter`` batches placeholders for the parent's advance."""
        batch_sampler = self.dataloader.batch_sampler
        sampler = getattr(batch_sampler, 'sampler', None)
        batch_size = self.dataloader.batch_size
        if not isinstance(sampler, InfiniteSampler) or batch_size is None:
            print_log(
                f'{type(sampler).__name__} is not an InfiniteSampler with '
                'a batch size: loading the trained batches to skip them',
                logger='current')
            return
        batch_sampler.sampler = _SkippedSampler(sampler,
                                                self._iter * batch_size)
        self.dataloader_iterator = _PlaceholderBatches(
            _InfiniteDataloaderIterator(self.dataloader), self._iter)
        print_log(
            f'Resuming at iteration {self._iter}: the sampler skips the '
            f'{self._iter * batch_size} samples already trained on, without '
            'loading them', logger='current')
