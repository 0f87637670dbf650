"""The config edits behind ``tools/train.py`` and ``tools/test.py``'s flags,
as functions: the tools stay thin and each edit is tested on its own."""
import os.path as osp
from typing import Optional

from mmengine.config import Config

from mmseg.evaluation import IoUMetric
from mmseg.registry import METRICS
from .tta import flip_tta_pipeline


def load_run_config(config: str,
                    work_dir: Optional[str] = None,
                    cfg_options: Optional[dict] = None,
                    launcher: str = 'none') -> Config:
    """``config`` with ``--cfg-options`` merged, the launcher set and the
    work dir given, else the config's own, else ``work_dirs/<config
    name>`` (mmseg's tools' rule)."""
    cfg = Config.fromfile(config)
    cfg.launcher = launcher
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(config))[0])
    return cfg


def resume_from(cfg: Config, resume: Optional[str]) -> Config:
    """``--resume``: 'auto' resumes from the work dir's latest checkpoint,
    a path from that checkpoint, None not at all."""
    if resume == 'auto':
        cfg.resume = True
        cfg.load_from = None
    elif resume is not None:
        cfg.resume = True
        cfg.load_from = resume
    return cfg


def enable_tta(cfg: Config) -> Config:
    """``--tta``: the config's own ``tta_pipeline`` (mmseg's Cityscapes base
    has a multi-scale one), else flip averaging at the test resolution;
    the model wrapped in the config's ``tta_model``, else mmseg's
    ``SegTTAModel``. ``CalibrationMetric`` leaves ``test_evaluator`` (said
    on stdout): ``SegTTAModel`` predicts from the views' mean softmax but
    keeps only the last view's ``seg_logits``, and the metric refuses
    those."""
    evaluators = cfg.test_evaluator if isinstance(
        cfg.test_evaluator, list) else [cfg.test_evaluator]
    kept = [e for e in evaluators if e['type'] != 'CalibrationMetric']
    if len(kept) < len(evaluators):
        print('--tta: CalibrationMetric dropped from test_evaluator '
              '(SegTTAModel keeps only the last view\'s seg_logits, not '
              'the mean softmax it predicts from)')
        cfg.test_evaluator = kept
    cfg.test_dataloader.dataset.pipeline = cfg.get(
        'tta_pipeline') or flip_tta_pipeline(
            cfg.test_dataloader.dataset.pipeline)
    cfg.model = dict(
        cfg.get('tta_model') or dict(type='SegTTAModel'), module=cfg.model)
    return cfg


def keep_label_maps(cfg: Config, out_dir: str) -> Config:
    """``--out``: every IoU metric of ``test_evaluator`` (``IoUMetric`` or a
    subclass) writes its label maps to ``out_dir``.

    Raises:
        ValueError: if ``test_evaluator`` has no IoU metric.
    """
    evaluators = cfg.test_evaluator if isinstance(
        cfg.test_evaluator, list) else [cfg.test_evaluator]
    iou = [
        e for e in evaluators
        if issubclass(METRICS.get(e['type']), IoUMetric)
    ]
    if not iou:
        raise ValueError('--out saves IoUMetric\'s label maps, but '
                         'test_evaluator has no IoUMetric')
    for evaluator in iou:
        evaluator.update(output_dir=out_dir, keep_results=True)
    return cfg


def enable_visualization_hook(cfg: Config, show: bool = False,
                              show_dir: Optional[str] = None,
                              wait_time: float = 2) -> Config:
    """``--show`` / ``--show-dir``: turn on mmseg's SegVisualizationHook.

    Raises:
        RuntimeError: if ``default_hooks`` has no ``visualization`` entry.
    """
    if 'visualization' not in cfg.default_hooks:
        raise RuntimeError(
            '--show/--show-dir need a "visualization" entry in '
            'default_hooks (mmseg::_base_/default_runtime.py has one)')
    hook = cfg.default_hooks['visualization']
    hook['draw'] = True
    if show:
        hook['show'] = True
        hook['wait_time'] = wait_time
    if show_dir:
        cfg.visualizer['save_dir'] = show_dir
    return cfg
