"""Fit the softmax temperature of a checkpoint on its val split
(temperature scaling, Guo et al. 2017): ``python
tools/analysis_tools/fit_temperature.py CONFIG CHECKPOINT [--split val]
[--max-pixels N] [--device cpu] [--ignore-index 255]
[--cfg-options k=v ...]``.

Prints T with the ECE, NLL and Brier score of the sampled pixels before and
after, writes them and the model's ``mc_samples`` to
``<CHECKPOINT>.temperature.json``, and says how to evaluate with T:
``CalibrationMetric``'s ``temperature`` and ``mc_samples`` (T holds only for
the number of MC dropout samples it was fitted at).
"""
import argparse


from segnet_mm.apis.temperature_scaling import (fit_checkpoint_temperature,
                                                save_temperature,
                                                temperature_report)
from segnet_mm.utils.config_edits import add_cfg_options


def parse_args():
    parser = argparse.ArgumentParser(
        description='Fit a softmax temperature by NLL on a data split')
    parser.add_argument('config', help='config file')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        '--split', default='val', choices=['val', 'test'],
        help='the config\'s dataloader to fit on (default: val)')
    parser.add_argument(
        '--max-pixels', type=int, default=2_000_000,
        help='random non-void pixels fitted on (default: 2000000)')
    parser.add_argument('--device', default='cpu', help='e.g. cpu, cuda:0')
    parser.add_argument(
        '--ignore-index', type=int, default=255,
        help='label of void pixels (default: 255)')
    add_cfg_options(parser)
    return parser.parse_args()


def main():
    args = parse_args()
    fit = fit_checkpoint_temperature(args.config, args.checkpoint,
                                     args.split, args.max_pixels,
                                     args.device, args.cfg_options,
                                     args.ignore_index)
    path = save_temperature(fit, args.checkpoint)
    print('\n' + temperature_report(fit, args.config, args.cfg_options) +
          f'\nwrote {path}')


if __name__ == '__main__':
    main()
