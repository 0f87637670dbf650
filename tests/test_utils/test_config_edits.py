"""The config edits behind the tools' flags."""
import pytest
import torch
from mmengine.dataset import pseudo_collate

from mmseg.registry import MODELS

from segnet_mm.utils.run_config import (enable_tta,
                                        enable_visualization_hook,
                                        keep_label_maps, load_run_config,
                                        resume_from)
from tests.conftest import REPO_ROOT
from tests.utils import build_camvid, small_config

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


def test_flip_tta_averages_the_views_flipped_back(camvid_root):
    """SegTTAModel over the flip pipeline predicts the argmax of the mean
    softmax of the model on the image and of its output on the
    horizontally flipped image, flipped back; the merged sample keeps
    that flipped-back output as its seg_logits."""
    cfg = enable_tta(small_config())
    torch.manual_seed(0)
    tta = MODELS.build(cfg.model).eval()
    tta.module.decode_head.conv_seg.bias.data.zero_()  # argmax not constant
    dataset = build_camvid(
        camvid_root, 'test', pipeline=cfg.test_dataloader.dataset.pipeline)
    data = pseudo_collate([dataset[0]])
    img, sample = data['inputs'][0][0], data['data_samples'][0][0]
    assert not sample.flip
    with torch.no_grad():
        merged = tta.test_step(data)[0]
        plain = tta.module.test_step(
            dict(inputs=[img], data_samples=[sample.clone()]))[0]
        flipped = tta.module.test_step(
            dict(inputs=[img.flip(-1)], data_samples=[sample.clone()]))[0]
    logits = plain.seg_logits.data
    back = flipped.seg_logits.data.flip(-1)
    assert (logits.argmax(0) != back.argmax(0)).any()
    torch.testing.assert_close(merged.seg_logits.data, back)
    mean = (logits.softmax(0) + back.softmax(0)) / 2
    assert torch.equal(merged.pred_sem_seg.data[0], mean.argmax(0))


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
