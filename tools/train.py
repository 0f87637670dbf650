"""Train a segmentor: ``python tools/train.py CONFIG [--work-dir DIR]
[--resume [CHECKPOINT]] [--amp] [--cfg-options k=v ...] [--launcher L]``."""
import argparse

from mmengine.runner import Runner

from segnet_mm.engine import enable_safe_checkpoints, setup_cpu_distributed
from segnet_mm.utils import check_config
from segnet_mm.utils.config_edits import (add_run_options, enable_amp,
                                          load_run_config, parse_run_args,
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
    add_run_options(parser)
    return parse_run_args(parser)


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
