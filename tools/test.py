"""Evaluate a checkpoint: ``python tools/test.py CONFIG CHECKPOINT
[--work-dir DIR] [--out DIR] [--show] [--show-dir DIR] [--amp] [--tta]
[--cfg-options ...]``."""
import argparse
import os

from mmengine.config import DictAction
from mmengine.runner import Runner

from segnet_mm.apis.inference import is_runtime_model, runtime_model_config
from segnet_mm.engine import enable_safe_checkpoints, setup_cpu_distributed
from segnet_mm.utils.config_edits import (enable_eval_amp, enable_tta,
                                          enable_visualization_hook,
                                          evaluator_list, keep_label_maps,
                                          load_run_config)


def parse_args():
    parser = argparse.ArgumentParser(description='Test (and eval) a model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument(
        'checkpoint', help='checkpoint file, or an .onnx or OpenVINO .xml '
        'model (e.g. the int8 one tools/deployment/quantize.py writes)')
    parser.add_argument('--work-dir', help='the dir to save logs')
    parser.add_argument(
        '--out', type=str, help='the dir to save the predicted label maps')
    parser.add_argument('--show', action='store_true', help='show results')
    parser.add_argument(
        '--show-dir', help='the dir to save images painted with results')
    parser.add_argument(
        '--wait-time', type=float, default=2, help='the interval of show (s)')
    parser.add_argument(
        '--tta', action='store_true', help='test time augmentation')
    parser.add_argument(
        '--amp',
        action='store_true',
        help='mixed precision: fp16 on CUDA, bf16 autocast on CPU')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override settings in the config, key=value pairs')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    # torch.distributed reads LOCAL_RANK; a launcher may have set it.
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def main():
    args = parse_args()
    # Also where a config's own custom_hooks leave SafeCheckpointHook out.
    enable_safe_checkpoints()
    cfg = load_run_config(args.config, args.work_dir, args.cfg_options,
                          args.launcher)
    if is_runtime_model(args.checkpoint):
        runtime_model_config(cfg, args.checkpoint)
    else:
        cfg.load_from = args.checkpoint
    if args.show or args.show_dir:
        enable_visualization_hook(cfg, args.show, args.show_dir,
                                  args.wait_time)
    if args.amp:
        enable_eval_amp(cfg)
    if args.tta:
        if any(e['type'] == 'CalibrationMetric'
               for e in evaluator_list(cfg)):
            print('--tta: CalibrationMetric dropped from test_evaluator '
                  '(SegTTAModel keeps only the last view\'s seg_logits, not '
                  'the mean softmax it predicts from)')
        enable_tta(cfg)
    if args.out is not None:
        keep_label_maps(cfg, args.out)
    setup_cpu_distributed(cfg)
    runner = Runner.from_cfg(cfg)
    runner.test()


if __name__ == '__main__':
    main()
