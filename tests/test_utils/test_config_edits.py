"""The named config edits, each on its own."""
import pytest
from mmengine.config import Config

from segnet_mm.utils.config_edits import (
    enable_amp, enable_eval_amp, enable_tta, enable_visualization_hook,
    evaluator_list, flat_pooling_indices, keep_label_maps, load_config,
    load_run_config, quiet_run, remove_custom_hooks, resume_from, train_on,
    train_only, without_pretrained)
from tests.conftest import REPO_ROOT

CONFIG = str(REPO_ROOT / 'configs' / 'segnet_camvid_cpu.py')


def test_load_run_config_work_dir_and_options():
    cfg = load_run_config(CONFIG, cfg_options={'train_cfg.max_iters': 7})
    assert cfg.work_dir == './work_dirs/segnet_camvid_cpu'
    assert cfg.train_cfg.max_iters == 7 and cfg.launcher == 'none'
    assert load_run_config(CONFIG, 'elsewhere').work_dir == 'elsewhere'


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
    assert capsys.readouterr().out == ''


def test_keep_label_maps_on_iou_metrics_only():
    cfg = keep_label_maps(load_run_config(CONFIG), 'maps')
    iou, bf = cfg.test_evaluator
    assert iou.type == 'ClassIoUMetric'
    assert (iou.output_dir, iou.keep_results) == ('maps', True)
    assert 'output_dir' not in bf
    cfg.test_evaluator = [bf]
    with pytest.raises(ValueError, match='saved by an IoUMetric, but '
                       'test_evaluator has none'):
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


def test_train_only_trims_to_the_iterations():
    cfg = train_only(camvid(), iters=30)
    assert cfg.train_cfg.max_iters == 30
    assert cfg.train_cfg.val_interval > 30
    assert cfg.val_dataloader is None and cfg.val_evaluator is None
    assert cfg.default_hooks.checkpoint.interval > 30
    assert not cfg.default_hooks.checkpoint.save_last


def test_remove_custom_hooks_by_type():
    cfg = camvid()
    hooks = list(cfg.custom_hooks)
    cfg.custom_hooks = [*hooks, dict(type='A'), dict(type='A', x=1)]
    assert remove_custom_hooks(cfg, 'A').custom_hooks == hooks


def test_load_config_copies_and_merges():
    cfg = load_config(CONFIG, {'train_cfg.max_iters': 7})
    assert cfg.train_cfg.max_iters == 7
    again = load_config(cfg, {'train_cfg.max_iters': 9})
    assert again.train_cfg.max_iters == 9 and cfg.train_cfg.max_iters == 7
    assert load_config(cfg).train_cfg is not cfg.train_cfg


def test_evaluator_list():
    cfg = camvid()
    assert [e.type for e in evaluator_list(cfg)] == [
        e.type for e in cfg.test_evaluator]
    cfg.test_evaluator = dict(type='IoUMetric')
    assert evaluator_list(cfg) == [dict(type='IoUMetric')]


def test_without_pretrained_builds_from_nothing():
    cfg = camvid()
    cfg.model.pretrained = 'weights.pth'
    cfg.model.backbone.init_cfg = dict(type='Pretrained', checkpoint='x')
    cfg = without_pretrained(cfg)
    assert 'pretrained' not in cfg.model
    assert 'init_cfg' not in cfg.model.backbone


def test_train_on_moves_only_the_training_data():
    cfg = train_on(camvid(), 'elsewhere')
    assert cfg.train_dataloader.dataset.data_root == 'elsewhere'
    assert cfg.val_dataloader.dataset.data_root == camvid(
    ).val_dataloader.dataset.data_root


def test_flat_pooling_indices_builds_the_flat_formulation():
    from mmseg.registry import MODELS
    model = MODELS.build(flat_pooling_indices(camvid()).model)
    assert model.backbone.window_codes == 'flat'
    assert model.decode_head.unpool == 'where'


def test_quiet_run_names_each_run_apart():
    first, second = (quiet_run(camvid(), 'work') for _ in range(2))
    assert first.experiment_name != second.experiment_name
    assert first.visualizer.name == first.experiment_name
    assert (first.work_dir, first.log_level) == ('work', 'WARNING')
