"""The development benchmarks' config edits: each lever on its own, the
ladder's levers by name, and mixed precision and channels-last back off."""
import pytest
from mmengine.config import Config

from segnet_mm.utils.config_edits import (enable_amp, load_run_config,
                                          remove_custom_hooks)
from speed_levers import (LEVERS, add_custom_hook, apply_levers, disable_amp,
                          disable_channels_last, enable_bf16_autocast,
                          enable_channels_last, enable_compile,
                          enable_cuda_graphs, enable_window_codes,
                          tune_dataloader)
from tests.conftest import REPO_ROOT

CONFIG = str(REPO_ROOT / 'configs' / 'segnet_camvid_cpu.py')


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
