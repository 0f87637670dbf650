"""Train a segmentor: ``python tools/train.py CONFIG [--work-dir DIR]
[--resume [CHECKPOINT]] [--amp] [--cfg-options k=v ...] [--launcher L]``."""
import argparse
import os

from mmengine.config import DictAction
from mmengine.runner import Runner

from segnet_mm.engine import enable_safe_checkpoints, setup_cpu_distributed
from segnet_mm.utils import check_config
from segnet_mm.utils.config_edits import (enable_amp, load_run_config,
                                          resume_from)


def parse_args():
    parser = argparse.ArgumentParser(description='Train a segmentor')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='resume from the given checkpoint, or, with no value, from the '
        'latest checkpoint in the work dir')
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
    if args.amp:
        enable_amp(cfg)
    check_config(cfg)
    resume_from(cfg, args.resume)
    setup_cpu_distributed(cfg)
    runner = Runner.from_cfg(cfg)
    runner.train()


if __name__ == '__main__':
    main()
