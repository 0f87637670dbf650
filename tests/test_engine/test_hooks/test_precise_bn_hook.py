"""PreciseBNHook inside a real (tiny) training run: the checkpoint saved
after an iteration that validation follows carries the recomputed
statistics."""
import pytest
import torch
from mmengine.runner import Runner

from mmseg.registry import MODELS
from segnet_mm.engine import (PreciseBNHook, bn_statistics_dataloader,
                              load_local_weights_only,
                              recompute_bn_statistics)
from tests.utils import cfg_options, data_options, short_schedule, small_config


def train(work_dir, root, max_iters=2, val_interval=1, **hook):
    cfg = small_config()
    cfg.merge_from_dict(
        cfg_options([*data_options(root), *short_schedule(max_iters)]))
    cfg.train_cfg.val_interval = val_interval
    # No random flip: the test's own pass sees the hook's batches.
    cfg.train_dataloader.dataset.pipeline = [
        dict(type='LoadImageFromFile'),
        dict(type='LoadAnnotations'),
        dict(type='PackSegInputs')
    ]
    cfg.custom_hooks = [*cfg.custom_hooks, dict(type='PreciseBNHook', **hook)]
    cfg.work_dir = str(work_dir)
    cfg.randomness = dict(seed=0)
    runner = Runner.from_cfg(cfg)
    runner.train()
    return cfg


def test_checkpoint_holds_statistics_of_its_own_weights(tmp_path,
                                                        camvid_root, caplog):
    cfg = train(tmp_path, camvid_root, num_batches=2)
    saved = load_local_weights_only(str(tmp_path / 'iter_2.pth'))
    model = MODELS.build(cfg.model)
    model.load_state_dict(saved['state_dict'])
    recompute_bn_statistics(
        model, bn_statistics_dataloader(cfg.train_dataloader, seed=0), 2)
    expected = model.state_dict()
    for key, value in saved['state_dict'].items():
        if key.endswith(('running_mean', 'running_var')):
            torch.testing.assert_close(value, expected[key], msg=key)
    log = next(tmp_path.glob('*/*.log')).read_text()
    # val_interval 1: before both validations.
    assert log.count('BN statistics recomputed over 2 training batches '
                     '(dropout off)') == 2


@pytest.mark.parametrize('key, value', [('num_batches', 0),
                                        ('interval', -1),
                                        ('num_batches', 2.5),
                                        ('interval', True)])
def test_refuses_bad_arguments(key, value):
    with pytest.raises(ValueError, match=f'{key} must be an int >= 1'):
        PreciseBNHook(**{key: value})
