import pytest
from mmengine.config import Config

from segnet_mm.analysis.train_speed import (SPEED_TABLE_HEADER,
                                            apply_levers,
                                            configure_speed_run, ladder,
                                            loss_gap, noise_note,
                                            read_logged_speed, run_plan,
                                            speed_row,
                                            train_gflop_per_image,
                                            train_input_shape)
from tests.conftest import REPO_ROOT
from tests.utils import TRAIN, write_log


def camvid():
    return Config.fromfile(REPO_ROOT / 'configs/segnet_camvid.py')


def test_levers_edit_the_config_and_keep_the_optimizer():
    cfg = camvid()
    cfg.optim_wrapper.update(type='AmpOptimWrapper', loss_scale='dynamic')
    apply_levers(cfg, ['bf16', 'channels_last', 'loader', 'window_codes',
                       'compile'], workers=6)
    assert cfg.optim_wrapper.type == 'BF16AmpOptimWrapper'
    assert 'loss_scale' not in cfg.optim_wrapper
    assert cfg.optim_wrapper.optimizer.lr == 0.01
    assert dict(type='ChannelsLastHook') in cfg.custom_hooks
    assert dict(type='NonFiniteLossHook') in cfg.custom_hooks
    assert cfg.train_dataloader.num_workers == 6
    assert cfg.train_dataloader.pin_memory
    assert dict(type='CompileModulesHook') in cfg.custom_hooks
    assert cfg.model.backbone.compact_indices is True


def test_window_codes_only_for_segnet():
    cfg = Config.fromfile(REPO_ROOT / 'configs/benchmark/'
                          'fcn_r18-d8_1xb8-3k_camvid-180x240.py')
    with pytest.raises(ValueError, match='needs SegNetEncoder, the config '
                       'has ResNetV1c'):
        apply_levers(cfg, ['window_codes'])


def test_cuda_graphs_replaces_the_plain_compile():
    cfg = apply_levers(camvid(), ['compile', 'cuda_graphs'])
    compiles = [h for h in cfg.custom_hooks
                if h['type'] == 'CompileModulesHook']
    assert compiles == [dict(type='CompileModulesHook',
                             mode='reduce-overhead')]


def test_unknown_lever_named():
    with pytest.raises(KeyError, match="unknown lever 'fused_adam'"):
        apply_levers(camvid(), ['fused_adam'])


def test_ladder_adds_one_lever_per_rung():
    assert ladder(['a', 'b']) == [[], ['a'], ['a', 'b']]


def test_configure_speed_run_trains_only():
    cfg = configure_speed_run(camvid(), iters=30, seed=3, log_interval=5)
    assert cfg.train_cfg.max_iters == 30
    assert cfg.train_cfg.val_interval > 30
    assert cfg.val_dataloader is None and cfg.val_evaluator is None
    assert cfg.default_hooks.checkpoint.interval > 30
    assert not cfg.default_hooks.checkpoint.save_last
    assert cfg.default_hooks.logger.interval == 5
    assert cfg.log_processor.window_size == 5
    assert cfg.log_processor.by_epoch is False
    assert cfg.randomness.seed == 3


def test_read_logged_speed_after_warmup(tmp_path):
    write_log(tmp_path / '20260101_000000/vis_data/scalars.json', TRAIN)
    speed = read_logged_speed(tmp_path, batch_size=4, warmup=10)
    assert speed['seconds_per_iter'] == pytest.approx(1.15)
    assert speed['images_per_s'] == pytest.approx(4 / 1.15)
    assert speed['data_share'] == pytest.approx(0.1 / 1.15)
    assert speed['loss'] == {10: 2.5, 20: 2.0, 30: 1.5}
    with pytest.raises(ValueError, match='no iteration logged after the 30'):
        read_logged_speed(tmp_path, batch_size=4, warmup=30)


def test_loss_gap_is_the_largest_window_mean_difference():
    reference = {10: 2.0, 20: 2.0, 30: 1.0, 40: 1.0}
    curve = {10: 2.5, 20: 1.5, 30: 1.4, 40: 1.0, 50: 9.0}
    # windows (0, 20]: means 2.0 vs 2.0; (20, 40]: 1.2 vs 1.0
    assert loss_gap(curve, reference, window=20) == pytest.approx(0.2)
    with pytest.raises(ValueError, match='share no logged iteration'):
        loss_gap({5: 1.0}, reference)


def test_run_plan_config_noise_then_rungs():
    assert run_plan(['bf16', 'loader'], noise_seed=3) == [
        ('config', [], 0), ('config_seed3', [], 3), ('+bf16', ['bf16'], 0),
        ('+bf16+loader', ['bf16', 'loader'], 0)
    ]
    assert run_plan(['bf16', 'loader'], all_levers_only=True) == [
        ('config', [], 0), ('+bf16+loader', ['bf16', 'loader'], 0)
    ]


def test_training_flops_at_the_preprocessor_size():
    cfg = camvid()
    cfg.model.data_preprocessor.size = (90, 120)
    assert train_input_shape(cfg) == [90, 120]
    # forward 2 FLOPs per MAC, backward twice the forward
    assert train_gflop_per_image(2e9) == pytest.approx(12)
    cfg.model.data_preprocessor.pop('size')
    with pytest.raises(KeyError, match='data_preprocessor.size is not set'):
        train_input_shape(cfg)


def test_speed_row_against_the_config_run_and_the_peak():
    base = dict(name='config', seconds_per_iter=0.8, images_per_s=10.0,
                data_share=0.5, loss_gap=0.0)
    run = dict(name='+bf16', seconds_per_iter=0.4, images_per_s=20.0,
               data_share=0.25, loss_gap=0.0123)
    assert SPEED_TABLE_HEADER.splitlines()[0].count('|') == 8
    # 20 images/s x 5 GFLOP per image = 100 of a 200 GFLOP/s peak
    assert speed_row(run, base, train_gflop=5.0, peak_gflops=200.0) == \
        '| +bf16 | 0.4000 | 20.0 | 2.00 | 25% | 50.0% | 0.0123 |'
    assert speed_row(dict(name='+loader', failed=1), base, 5.0, 200.0) == \
        '| +loader | failed (exit 1) | | | | | |'
    assert noise_note(dict(seed=1, loss_gap=0.01)) == (
        'noise: the loss gap between seeds 0 and 1 is 0.0100; a rung is '
        'within noise at or below it.')
