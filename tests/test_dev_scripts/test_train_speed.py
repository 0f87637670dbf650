import pytest
from mmengine.config import Config

from segnet_mm.analysis.report import markdown_header
from tests.conftest import REPO_ROOT
from tests.utils import TRAIN, write_log
from train_speed import (LEVER_COLUMNS, configure_speed_run, ladder,
                         lever_row, loss_gap, noise_note, read_logged_speed,
                         run_ladder, run_plan, train_gflop_per_image,
                         train_input_shape)


def camvid():
    return Config.fromfile(REPO_ROOT / 'configs/segnet_camvid.py')


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


def test_run_ladder_trains_each_run_and_compares_its_losses(tmp_path):
    """Each run's config is written with its levers and seed and trained
    in its own work dir; a failed run is reported, the others compared
    with the first run's loss curve."""
    trained = []
    curves = {'config': TRAIN,
              '+bf16': [dict(r, loss=r['loss'] + 0.5) for r in TRAIN]}

    def train(config, work_dir):
        trained.append(Config.fromfile(config))
        if work_dir.name not in curves:
            return 3
        write_log(work_dir / '20260101_000000/vis_data/scalars.json',
                  curves[work_dir.name])
        return 0

    plan = run_plan(['bf16', 'channels_last'])
    runs = list(run_ladder(camvid(), plan, tmp_path, train, iters=30,
                           warmup=10, log_interval=10))
    assert [r['name'] for r in runs] == ['config', '+bf16',
                                         '+bf16+channels_last']
    assert [c.optim_wrapper.type for c in trained] == [
        'OptimWrapper', 'BF16AmpOptimWrapper', 'BF16AmpOptimWrapper']
    assert trained[1].train_cfg.max_iters == 30
    assert trained[1].randomness.seed == 0
    assert (tmp_path / '+bf16/config.py').is_file()
    assert runs[0]['loss_gap'] == 0
    assert runs[1]['loss_gap'] == pytest.approx(0.5)
    batch = trained[1].train_dataloader.batch_size
    assert runs[1]['images_per_s'] == pytest.approx(batch / 1.15)
    assert runs[2] == dict(name='+bf16+channels_last',
                           levers=['bf16', 'channels_last'], seed=0,
                           failed=3)


def test_lever_rows_against_the_config_run_and_the_peak():
    base = dict(name='config', seconds_per_iter=0.8, images_per_s=10.0,
                data_share=0.5, loss_gap=0.0)
    run = dict(name='+bf16', seconds_per_iter=0.4, images_per_s=20.0,
               data_share=0.25, loss_gap=0.0123)
    header = markdown_header(LEVER_COLUMNS).splitlines()
    assert header[0].count('|') == header[1].count('|') == 8
    # 20 images/s x 5 GFLOP per image = 100 of a 200 GFLOP/s peak
    assert lever_row(run, base, train_gflop=5.0, peak_gflops=200.0) == \
        '| +bf16 | 0.4000 | 20.0 | 2.00 | 25% | 50.0% | 0.0123 |'
    failed = lever_row(dict(name='+loader', failed=1), base, 5.0, 200.0)
    assert failed == '| +loader | failed (exit 1) |  |  |  |  |  |'
    assert noise_note(dict(seed=1, loss_gap=0.01)) == (
        'noise: the loss gap between seeds 0 and 1 is 0.0100; a rung is '
        'within noise at or below it.')
