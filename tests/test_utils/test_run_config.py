"""The config edits behind the tools' flags."""
import pytest

from segnet_mm.utils.run_config import (keep_label_maps, load_run_config,
                                        resume_from, show_results,
                                        use_flip_tta)
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
    use_flip_tta(cfg)
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
    use_flip_tta(cfg)
    assert cfg.test_dataloader.dataset.pipeline == ['own']
    assert cfg.model.type == 'OwnTTA'


def test_flip_tta_drops_calibration_metric_only(capsys):
    cfg = load_run_config(
        str(REPO_ROOT / 'configs' / 'segnet-basic_camvid.py'))
    assert cfg.test_evaluator[-1].type == 'CalibrationMetric'
    use_flip_tta(cfg)
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


def test_show_results():
    cfg = show_results(load_run_config(CONFIG), show_dir='vis')
    assert cfg.default_hooks.visualization.draw is True
    assert cfg.visualizer.save_dir == 'vis'
    del cfg.default_hooks['visualization']
    with pytest.raises(RuntimeError, match='visualization'):
        show_results(cfg, show=True)
