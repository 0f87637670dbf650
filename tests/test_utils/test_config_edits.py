"""The named config edits, each on its own."""
import argparse
import os

import pytest
from mmengine.config import Config

from segnet_mm.utils.config_edits import (
    LEVERS, add_custom_hook, add_run_options, apply_levers, disable_amp,
    disable_channels_last, enable_amp, enable_bf16_autocast,
    enable_channels_last, enable_compile, enable_cuda_graphs,
    enable_eval_amp, enable_tta, enable_visualization_hook,
    enable_window_codes, keep_label_maps, load_run_config, parse_run_args,
    remove_custom_hooks, resume_from, train_only, tune_dataloader)
from tests.conftest import REPO_ROOT

CONFIG = str(REPO_ROOT / 'configs' / 'segnet_camvid_cpu.py')


def test_load_run_config_work_dir_and_options():
    cfg = load_run_config(CONFIG, cfg_options={'train_cfg.max_iters': 7})
    assert cfg.work_dir == './work_dirs/segnet_camvid_cpu'
    assert cfg.train_cfg.max_iters == 7 and cfg.launcher == 'none'
    assert load_run_config(CONFIG, 'elsewhere').work_dir == 'elsewhere'


@pytest.mark.parametrize('launcher_rank, local_rank',
                         [(None, '3'), ('1', '1')])
def test_run_options_pass_the_local_rank_on(monkeypatch, launcher_rank,
                                            local_rank):
    """``--local-rank`` becomes LOCAL_RANK unless the launcher set it."""
    # Set first, so that monkeypatch restores the environment afterwards.
    monkeypatch.setenv('LOCAL_RANK', launcher_rank or '0')
    if launcher_rank is None:
        monkeypatch.delenv('LOCAL_RANK')
    parser = argparse.ArgumentParser()
    add_run_options(parser)
    args = parse_run_args(parser, [
        '--amp', '--launcher', 'pytorch', '--local-rank', '3',
        '--cfg-options', 'a=1'
    ])
    assert args.amp and args.launcher == 'pytorch'
    assert args.cfg_options == {'a': 1}
    assert os.environ['LOCAL_RANK'] == local_rank


def test_resume_from():
    cfg = load_run_config(CONFIG)
    assert (cfg.resume, cfg.load_from) == (False, None)
    resume_from(cfg, 'auto')
    assert (cfg.resume, cfg.load_from) == (True, None)
    resume_from(cfg, 'ckpt.pth')
    assert (cfg.resume, cfg.load_from) == (True, 'ckpt.pth')


def test_flip_tta_wraps_the_model_and_flips_at_test_resolution():
    cfg = load_run_config(CONFIG)
    model = cfg.model.copy()
    enable_tta(cfg)
    assert cfg.model.type == 'SegTTAModel' and cfg.model.module == model
    load, tta = cfg.test_dataloader.dataset.pipeline
    assert load.type == 'LoadImageFromFile' and tta.type == 'TestTimeAug'
    resize, flips = tta.transforms[:2]
    assert resize == [dict(type='Resize', scale=(360, 270), keep_ratio=True)]
    assert [f['prob'] for f in flips] == [0., 1.]


def test_flip_tta_keeps_a_configs_own_tta():
    cfg = load_run_config(CONFIG)
    cfg.tta_pipeline = ['own']
    cfg.tta_model = dict(type='OwnTTA')
    enable_tta(cfg)
    assert cfg.test_dataloader.dataset.pipeline == ['own']
    assert cfg.model.type == 'OwnTTA'


def test_flip_tta_drops_calibration_metric_only(capsys):
    cfg = load_run_config(
        str(REPO_ROOT / 'configs' / 'segnet-basic_camvid.py'))
    assert cfg.test_evaluator[-1].type == 'CalibrationMetric'
    enable_tta(cfg)
    assert [e.type for e in cfg.test_evaluator
            ] == ['ClassIoUMetric', 'BFScoreMetric']
    assert 'CalibrationMetric dropped' in capsys.readouterr().out


def test_keep_label_maps_on_iou_metrics_only():
    cfg = keep_label_maps(load_run_config(CONFIG), 'maps')
    iou, bf = cfg.test_evaluator
    assert iou.type == 'ClassIoUMetric'
    assert (iou.output_dir, iou.keep_results) == ('maps', True)
    assert 'output_dir' not in bf
    cfg.test_evaluator = [bf]
    with pytest.raises(ValueError, match='no IoUMetric'):
        keep_label_maps(cfg, 'maps')


def test_enable_visualization_hook():
    cfg = enable_visualization_hook(load_run_config(CONFIG), show_dir='vis')
    assert cfg.default_hooks.visualization.draw is True
    assert cfg.visualizer.save_dir == 'vis'
    del cfg.default_hooks['visualization']
    with pytest.raises(RuntimeError, match='visualization'):
        enable_visualization_hook(cfg, show=True)


@pytest.mark.parametrize('device, wrapper_type', [
    ('cpu', 'BF16AmpOptimWrapper'), ('cuda', 'AmpOptimWrapper')])
def test_enable_amp_picks_the_device_wrapper(device, wrapper_type):
    cfg = Config.fromfile(REPO_ROOT / 'configs/segnet_camvid.py')
    enable_amp(cfg, device)
    assert cfg.optim_wrapper.type == wrapper_type
    assert cfg.val_cfg.fp16 and cfg.test_cfg.fp16


def test_enable_eval_amp_needs_no_optim_wrapper():
    cfg = Config.fromfile(REPO_ROOT / 'configs/segnet_camvid.py')
    cfg.pop('optim_wrapper')
    enable_eval_amp(cfg)
    assert cfg.val_cfg.fp16 and cfg.test_cfg.fp16


def test_enable_amp_keeps_bf16_recipe_on_cuda():
    cfg = Config.fromfile(REPO_ROOT / 'configs/segnet_camvid_cpu.py')
    enable_amp(cfg, 'cuda')
    assert cfg.optim_wrapper.type == 'BF16AmpOptimWrapper'


def test_enable_amp_rejects_unknown_device_and_wrapper():
    cfg = Config.fromfile(REPO_ROOT / 'configs/segnet_camvid.py')
    with pytest.raises(ValueError, match="device 'mps'"):
        enable_amp(cfg, 'mps')
    cfg.optim_wrapper.type = 'SomeOtherWrapper'
    with pytest.raises(ValueError, match="'SomeOtherWrapper'"):
        enable_amp(cfg, 'cpu')


def camvid():
    """The fp32 CamVid config (SGD in a plain OptimWrapper)."""
    return Config.fromfile(REPO_ROOT / 'configs/segnet_camvid.py')


def test_disable_amp_turns_the_bf16_recipe_back_to_fp32():
    cfg = load_run_config(CONFIG)
    assert cfg.optim_wrapper.type == 'BF16AmpOptimWrapper'
    optimizer = cfg.optim_wrapper.optimizer.copy()
    assert disable_amp(cfg) is cfg
    assert cfg.optim_wrapper.type == 'OptimWrapper'
    assert cfg.optim_wrapper.optimizer == optimizer
    assert 'dtype' not in cfg.optim_wrapper
    assert cfg.val_cfg.fp16 is False and cfg.test_cfg.fp16 is False
    cfg = enable_amp(camvid(), 'cuda')
    assert 'loss_scale' in cfg.optim_wrapper
    assert 'loss_scale' not in disable_amp(cfg).optim_wrapper


def test_enable_bf16_autocast_replaces_any_wrapper_and_keeps_the_optimizer():
    cfg = camvid()
    cfg.optim_wrapper.update(type='AmpOptimWrapper', loss_scale='dynamic')
    enable_bf16_autocast(cfg)
    assert cfg.optim_wrapper.type == 'BF16AmpOptimWrapper'
    assert 'loss_scale' not in cfg.optim_wrapper
    assert cfg.optim_wrapper.optimizer.lr == 0.01


def test_custom_hooks_added_once_and_removed_by_type():
    cfg = camvid()
    hooks = list(cfg.custom_hooks)
    add_custom_hook(add_custom_hook(cfg, dict(type='A')), dict(type='A'))
    assert cfg.custom_hooks == [*hooks, dict(type='A')]
    assert remove_custom_hooks(cfg, 'A').custom_hooks == hooks


def test_channels_last_on_and_off():
    hooks = list(camvid().custom_hooks)
    cfg = enable_channels_last(enable_channels_last(camvid()))
    assert cfg.custom_hooks == [*hooks, dict(type='ChannelsLastHook')]
    assert disable_channels_last(cfg).custom_hooks == hooks


def test_tune_dataloader():
    cfg = tune_dataloader(camvid(), workers=6)
    assert cfg.train_dataloader.num_workers == 6
    assert cfg.train_dataloader.persistent_workers
    assert cfg.train_dataloader.pin_memory


def test_window_codes_only_for_segnet():
    assert enable_window_codes(camvid()).model.backbone.compact_indices
    cfg = Config.fromfile(REPO_ROOT / 'configs/benchmark/'
                          'fcn_r18-d8_1xb8-3k_camvid-180x240.py')
    with pytest.raises(ValueError, match='needs SegNetEncoder, the config '
                       'has ResNetV1c'):
        enable_window_codes(cfg)


def test_cuda_graphs_replaces_the_plain_compile():
    cfg = enable_compile(camvid())
    assert dict(type='CompileModulesHook') in cfg.custom_hooks
    enable_cuda_graphs(cfg)
    compiles = [h for h in cfg.custom_hooks
                if h['type'] == 'CompileModulesHook']
    assert compiles == [dict(type='CompileModulesHook',
                             mode='reduce-overhead')]


def test_levers_apply_in_order_by_name():
    cfg = apply_levers(camvid(), list(LEVERS)[:-1], workers=6)
    assert cfg.optim_wrapper.type == 'BF16AmpOptimWrapper'
    assert dict(type='ChannelsLastHook') in cfg.custom_hooks
    assert cfg.train_dataloader.num_workers == 6
    assert cfg.model.backbone.compact_indices is True
    assert dict(type='CompileModulesHook') in cfg.custom_hooks
    with pytest.raises(KeyError, match="unknown lever 'fused_adam'"):
        apply_levers(camvid(), ['fused_adam'])


def test_train_only_trims_to_the_iterations():
    cfg = train_only(camvid(), iters=30)
    assert cfg.train_cfg.max_iters == 30
    assert cfg.train_cfg.val_interval > 30
    assert cfg.val_dataloader is None and cfg.val_evaluator is None
    assert cfg.default_hooks.checkpoint.interval > 30
    assert not cfg.default_hooks.checkpoint.save_last
