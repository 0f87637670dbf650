from typing import Optional

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.runner import EpochBasedTrainLoop

from mmseg.registry import HOOKS
from ..precise_bn import bn_statistics_dataloader, recompute_bn_statistics


@HOOKS.register_module()
class PreciseBNHook(Hook):
    """Recompute the BN statistics over the training data before each
    validation and before the last checkpoint (SegNet's authors'
    ``compute_bn_statistics.py`` inside training).

    After the training iterations (or epochs) that validation follows, and
    after the last one, it replaces every BN layer's running statistics by
    the average over ``num_batches`` shuffled training batches
    (:func:`recompute_bn_statistics`), before the checkpoint hook saves and
    before validation scores. Training then goes on from those statistics.

    Args:
        num_batches (int, optional): Training batches to average over; None
            is one pass over the training split. Default: None.
        interval (int, optional): Recompute every ``interval`` iterations
            (epochs for an epoch-based loop); None follows the train loop's
            ``val_interval``. Default: None.
        dropout (bool): Keep dropout sampling while gathering (the
            authors' keep it off). Default: False.
    """

    priority = 'ABOVE_NORMAL'  # before CheckpointHook saves

    def __init__(self,
                 num_batches: Optional[int] = None,
                 interval: Optional[int] = None,
                 dropout: bool = False) -> None:
        for name, value in (('num_batches', num_batches),
                            ('interval', interval)):
            if value is not None and (isinstance(value, bool) or
                                      not isinstance(value, int)
                                      or value < 1):
                raise ValueError(f'{name} must be an int >= 1 or None, got '
                                 f'{value!r}')
        self.num_batches = num_batches
        self.interval = interval
        self.dropout = dropout
        self._dataloader = None

    def before_train(self, runner) -> None:
        if self.interval is None:
            self.interval = runner.train_loop.val_interval
        self._dataloader = bn_statistics_dataloader(
            runner.cfg.train_dataloader, seed=runner.seed)

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs=None) -> None:
        if isinstance(runner.train_loop, EpochBasedTrainLoop):
            return
        if self.every_n_train_iters(runner, self.interval) or \
                self.is_last_train_iter(runner):
            self._recompute(runner)

    def after_train_epoch(self, runner) -> None:
        if not isinstance(runner.train_loop, EpochBasedTrainLoop):
            return
        if self.every_n_epochs(runner, self.interval) or \
                self.is_last_train_epoch(runner):
            self._recompute(runner)

    def _recompute(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(runner.model) \
            else runner.model
        count = recompute_bn_statistics(model, self._dataloader,
                                        self.num_batches, self.dropout)
        runner.logger.info(
            f'BN statistics recomputed over {count} training batches '
            f'(dropout {"on" if self.dropout else "off"})')
