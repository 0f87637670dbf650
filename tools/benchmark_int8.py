"""int8 against float inference on this CPU: ``python
tools/benchmark_int8.py CONFIG [--shape H W] [--iters N] [--paths ...]
[--out JSON]``. Prints the CPU's int8 dot-product support, the model's
MACs and one table (ms/img, % of each arithmetic's measured peak, speed-up
over the bf16 fast path, peak memory)."""
import argparse
import json
import platform

from mmseg.utils import register_all_modules
from segnet_mm.analysis import int8_speed, speed_table
from segnet_mm.analysis.benchmark import macs_and_params
from segnet_mm.analysis.int8_speed import PATHS
from segnet_mm.apis import int8_cpu_support


def parse_args():
    parser = argparse.ArgumentParser(description='int8 vs float on the CPU')
    parser.add_argument('config', help='config file')
    parser.add_argument(
        '--shape', type=int, nargs=2, default=[360, 480], metavar=('H', 'W'))
    parser.add_argument('--iters', type=int, default=5,
                        help='timed runs per path')
    parser.add_argument('--paths', nargs='+', default=list(PATHS),
                        choices=PATHS, help='paths to measure')
    parser.add_argument('--out', help='also write the rows as JSON here')
    return parser.parse_args()


def main():
    args = parse_args()
    register_all_modules()
    support = int8_cpu_support()
    print(f'CPU: {platform.processor() or platform.machine()}, int8 '
          f'dot-product instructions: {", ".join(support.flags) or "none"}')
    macs = macs_and_params(args.config, args.shape)['macs']
    rows = int8_speed(args.config, args.shape, args.paths, args.iters)
    print(f'{args.config} at {args.shape[0]}x{args.shape[1]}, batch 1, '
          f'{macs / 1e9:.1f} GMACs')
    print(speed_table(rows, macs))
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(dict(macs=macs, rows=[r._asdict() for r in rows]), f,
                      indent=1)


if __name__ == '__main__':
    main()
