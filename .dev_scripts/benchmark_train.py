"""Training throughput of a config, lever by lever, with its loss curve:

    python .dev_scripts/benchmark_train.py CONFIG --work-root DIR
        [--amp]
        [--levers bf16 channels_last loader window_codes compile cuda_graphs]
        [--all-levers-only] [--iters 300]
        [--warmup 50] [--workers 8] [--log-interval 10]
        [--noise-seed 1 | --skip-noise] [--out results.json]
        [--cfg-options k=v ...]

Trains CONFIG (as ``tools/train.py CONFIG [--amp]`` would) for --iters
iterations from seed 0, the same with --noise-seed (the run-to-run noise of
the loss curve; --skip-noise leaves it out), then once per rung of the
lever ladder (the first lever, the first two, ...; --all-levers-only: the
last rung alone), each a fresh
``tools/train.py`` process on a config written to WORK_ROOT/<rung>/.
Prints per rung: s/iter, images/s, speed-up over the config as it is,
data-loading share, training GFLOP/s as % of this device's measured bf16
matmul rate (3 x 2 x MACs per image), and the largest gap of 50-iteration
mean losses to the seed-0 run next to the noise's gap. A rung that fails is
reported with its log's last lines; the others run.
"""
import argparse
import json
import subprocess
import sys
from pathlib import Path

import torch
from mmengine.config import Config, DictAction
from mmseg.utils import register_all_modules

from segnet_mm.analysis.benchmark import macs_and_params
from segnet_mm.analysis.report import markdown_header
from segnet_mm.analysis.timing import torch_matmul_peak
from segnet_mm.utils.config_edits import enable_amp, load_run_config
from speed_levers import LEVERS
from train_speed import (LEVER_COLUMNS, lever_row, noise_note, run_ladder,
                         run_plan, train_gflop_per_image, train_input_shape)

TRAIN = Path(__file__).resolve().parents[1] / 'tools' / 'train.py'


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='train config file')
    parser.add_argument('--work-root', required=True,
                        help='one work dir per run below it')
    parser.add_argument('--amp', action='store_true',
                        help="as tools/train.py's --amp")
    parser.add_argument('--levers', nargs='*', default=list(LEVERS),
                        choices=list(LEVERS), help='the ladder, in order')
    parser.add_argument('--all-levers-only', action='store_true',
                        help='only the rung with every lever')
    parser.add_argument('--iters', type=int, default=300)
    parser.add_argument('--warmup', type=int, default=50,
                        help='iterations left out of the timing')
    parser.add_argument('--workers', type=int, default=8,
                        help="the 'loader' lever's dataloader workers")
    parser.add_argument('--log-interval', type=int, default=10,
                        help='iterations per logged time and loss')
    noise = parser.add_mutually_exclusive_group()
    noise.add_argument('--noise-seed', type=int, default=1)
    noise.add_argument('--skip-noise', action='store_true',
                       help='no second-seed run (no loss noise)')
    parser.add_argument('--out', help='also write the results as JSON')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override settings in the config (every run)')
    args = parser.parse_args()
    if not Path(args.config).is_file():
        parser.error(f'no such config: {args.config}')
    if args.warmup >= args.iters:
        parser.error(f'--warmup ({args.warmup}) must be below --iters '
                     f'({args.iters})')
    if args.warmup % args.log_interval:
        parser.error(f'--warmup ({args.warmup}) must be a multiple of '
                     f'--log-interval ({args.log_interval}): each logged '
                     'time is the mean over one interval')
    return args


def base_config(args) -> Config:
    cfg = load_run_config(args.config, cfg_options=args.cfg_options)
    if args.amp:
        enable_amp(cfg)
    return cfg


def train_in_tools_train(config: Path, work_dir: Path) -> int:
    """tools/train.py on ``config`` in ``work_dir``, its output in
    ``work_dir/train.out``; the exit status, with the log's last lines on
    stderr if it failed."""
    log = work_dir / 'train.out'
    with log.open('w') as out:
        status = subprocess.run(
            [sys.executable, str(TRAIN), str(config), '--work-dir',
             str(work_dir)], stdout=out, stderr=subprocess.STDOUT).returncode
    if status != 0:
        tail = log.read_text(errors='replace').splitlines()[-5:]
        print(f'{work_dir.name}: tools/train.py exited {status}; '
              f'{log}:\n  ' + '\n  '.join(tail), file=sys.stderr)
    return status


def main():
    args = parse_args()
    register_all_modules()
    cfg = base_config(args)
    device = 'cuda' if torch.cuda.is_available() else 'cpu'
    peak = torch_matmul_peak(torch.bfloat16, device=device)
    macs = macs_and_params(cfg, train_input_shape(cfg))['macs']
    train_gflop = train_gflop_per_image(macs)
    print(f'{device}: bf16 matmul {peak:.0f} GFLOP/s (4096^3, best of 5); '
          f'training {train_gflop:.0f} GFLOP per image')
    plan = run_plan(args.levers,
                    None if args.skip_noise else args.noise_seed,
                    args.all_levers_only)
    results = dict(device=device, bf16_matmul_gflops=peak,
                   train_gflop_per_image=train_gflop, runs=[])
    print(markdown_header(LEVER_COLUMNS), flush=True)
    # Each row as its run ends (and the JSON rewritten): a bench cut short
    # keeps what it measured.
    runs = results['runs']
    for run in run_ladder(cfg, plan, args.work_root, train_in_tools_train,
                          args.iters, args.warmup, args.workers,
                          args.log_interval):
        runs.append(run)
        if 'failed' in runs[0]:
            sys.exit('the config itself failed to train; see its train.out')
        print(lever_row(run, runs[0], train_gflop, peak), flush=True)
        if args.out:
            Path(args.out).write_text(json.dumps(results, indent=1))
    if not args.skip_noise and 'failed' not in results['runs'][1]:
        print('\n' + noise_note(results['runs'][1]))


if __name__ == '__main__':
    main()
