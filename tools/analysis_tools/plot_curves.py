"""Plot training curves from mmengine logs: ``python
tools/analysis_tools/plot_curves.py WORK_DIR
[WORK_DIR/TIMESTAMP/vis_data/scalars.json ...] --keys loss mIoU
--out curves.png``; a work dir's resumed pieces make one line."""
import argparse

from segnet_mm.visualization import plot_curves


def parse_args():
    parser = argparse.ArgumentParser(
        description='Plot logged scalars against the iteration')
    parser.add_argument(
        'scalars', nargs='+',
        help="mmengine's vis_data/scalars.json files, or work dirs (their "
        'pieces of a resumed run joined)')
    parser.add_argument(
        '--keys', nargs='+', default=['loss', 'mIoU'],
        help='logged keys, one panel each; train/KEY or val/KEY where both '
        'log KEY')
    parser.add_argument('--out', default='curves.png', help='figure file')
    return parser.parse_args()


def main():
    args = parse_args()
    drawn = plot_curves(args.scalars, args.keys, args.out)
    for key, runs in drawn.items():
        for label, (steps, values) in runs.items():
            print(f'{key} ({label}): {len(steps)} points, iterations '
                  f'{steps[0]}-{steps[-1]}, last {values[-1]:.4g}')
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
