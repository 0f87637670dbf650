"""Evaluate a checkpoint: ``python tools/test.py CONFIG CHECKPOINT
[--work-dir DIR] [--out DIR] [--show] [--show-dir DIR] [--amp] [--tta]
[--cfg-options ...]``."""
import argparse
import os
import os.path as osp

from mmengine.config import Config, DictAction
from mmengine.runner import Runner
from mmseg.evaluation import IoUMetric
from mmseg.registry import METRICS

from segnet_mm.engine import enable_eval_amp, setup_cpu_distributed
from segnet_mm.utils import flip_tta_pipeline


def parse_args():
    parser = argparse.ArgumentParser(description='Test (and eval) a model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='the dir to save logs')
    parser.add_argument(
        '--out', type=str, help='the dir to save the predicted label maps')
    parser.add_argument('--show', action='store_true', help='show results')
    parser.add_argument(
        '--show-dir', help='the dir to save images painted with results')
    parser.add_argument(
        '--wait-time', type=float, default=2, help='the interval of show (s)')
    parser.add_argument(
        '--amp',
        action='store_true',
        help='mixed precision: fp16 on CUDA, bf16 autocast on CPU')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings in the config, key=value pairs')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument(
        '--tta', action='store_true', help='test time augmentation')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def trigger_visualization_hook(cfg: Config, args) -> Config:
    """Turn on mmseg's SegVisualizationHook for --show / --show-dir."""
    default_hooks = cfg.default_hooks
    if 'visualization' not in default_hooks:
        raise RuntimeError(
            '--show/--show-dir need a "visualization" entry in '
            'default_hooks (mmseg::_base_/default_runtime.py has one)')
    hook = default_hooks['visualization']
    hook['draw'] = True
    if args.show:
        hook['show'] = True
        hook['wait_time'] = args.wait_time
    if args.show_dir:
        visualizer = cfg.visualizer
        visualizer['save_dir'] = args.show_dir
    return cfg


def main():
    args = parse_args()
    cfg = Config.fromfile(args.config)
    cfg.launcher = args.launcher
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    cfg.load_from = args.checkpoint
    if args.show or args.show_dir:
        cfg = trigger_visualization_hook(cfg, args)
    if args.amp:
        enable_eval_amp(cfg)
    if args.tta:
        # The config's own tta_pipeline (mmseg's Cityscapes base has a
        # multi-scale one), else flip averaging at the test resolution.
        cfg.test_dataloader.dataset.pipeline = cfg.get(
            'tta_pipeline') or flip_tta_pipeline(
                cfg.test_dataloader.dataset.pipeline)
        cfg.model = dict(
            cfg.get('tta_model') or dict(type='SegTTAModel'),
            module=cfg.model)
    if args.out is not None:
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
            evaluator.update(output_dir=args.out, keep_results=True)
    setup_cpu_distributed(cfg)
    runner = Runner.from_cfg(cfg)
    runner.test()


if __name__ == '__main__':
    main()
