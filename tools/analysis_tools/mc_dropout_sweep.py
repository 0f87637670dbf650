"""Monte Carlo dropout's accuracy and calibration against the number of
samples T, on a config's test set:

    python tools/analysis_tools/mc_dropout_sweep.py CONFIG CHECKPOINT
        [--samples 1 2 4 8 16 32] [--out FILE.json] [--cfg-options k=v ...]

Each image is sampled max(T) times once; T is scored on the first T of
those samples (T = 1: weight averaging, dropout off), with the config's
``test_evaluator`` (e.g. ``ClassIoUMetric`` and ``CalibrationMetric``).
Score val with ``--cfg-options test_dataloader.dataset.data_prefix.img_path=val
test_dataloader.dataset.data_prefix.seg_map_path=valannot``. Prints a
markdown table; ``--out`` keeps every metric by T as JSON.
"""
import argparse
import json

from mmengine.config import DictAction

from segnet_mm.analysis.comparison import machine_name
from segnet_mm.analysis.mc_dropout_speed import MC_SAMPLES
from segnet_mm.analysis.mc_dropout_sweep import mc_dropout_sweep
from segnet_mm.analysis.report import mc_dropout_sweep_table


def parse_args():
    parser = argparse.ArgumentParser(
        description='MC dropout metrics for each number of samples T')
    parser.add_argument('config', help='config of an MCDropoutEncoderDecoder')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--samples', type=int, nargs='+',
                        default=list(MC_SAMPLES),
                        help='numbers of dropout samples T (1: weight '
                        'averaging)')
    parser.add_argument('--out', help='JSON file for the metrics by T')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override settings in the config, key=value pairs')
    return parser.parse_args()


def main():
    args = parse_args()
    metrics = mc_dropout_sweep(args.config, args.checkpoint, args.samples,
                               args.cfg_options)
    print(f'\n{machine_name()}\n')
    print(mc_dropout_sweep_table(metrics))
    if args.out:
        with open(args.out, 'w') as f:
            json.dump({str(t): m for t, m in metrics.items()}, f, indent=1)
        print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
