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
from typing import Optional, Union

from mmengine.config import Config, DictAction

from mmseg.registry import METRICS
from segnet_mm.apis.temperature_scaling import (fit_checkpoint_temperature,
                                                save_temperature)
from segnet_mm.evaluation import CalibrationMetric, TemperatureFit
from segnet_mm.utils.config_edits import load_config
from segnet_mm.utils.typing_utils import PathLike


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
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override settings in the config, key=value pairs')
    return parser.parse_args()


def temperature_usage(cfg: Config, temperature: float,
                      mc_samples: int) -> str:
    """How to evaluate with ``temperature`` fitted at ``mc_samples``:
    ``tools/test.py`` with the ``--cfg-options`` that set both on the
    config's ``CalibrationMetric``, or, if it has none, the entry to add to
    ``test_evaluator`` first."""
    evaluators = cfg.get('test_evaluator', [])
    indexed = isinstance(evaluators, (list, tuple))
    test = 'python tools/test.py CONFIG CHECKPOINT'
    for i, evaluator in enumerate(evaluators if indexed else [evaluators]):
        if METRICS.get(evaluator.get('type')) is CalibrationMetric:
            key = f'test_evaluator.{i}' if indexed else 'test_evaluator'
            return (f'{test} --cfg-options '
                    f'{key}.temperature={temperature:.4f} '
                    f'{key}.mc_samples={mc_samples}')
    return (f'add dict(type=\'CalibrationMetric\', temperature='
            f'{temperature:.4f}, mc_samples={mc_samples}) to the config\'s '
            f'test_evaluator, then {test}')


def temperature_report(fit: TemperatureFit,
                       config: Union[PathLike, Config],
                       cfg_options: Optional[dict] = None) -> str:
    """T, the sample's ECE (%), NLL and Brier score at T = 1 and at T, and
    :func:`temperature_usage` for the config."""
    cfg = load_config(config, cfg_options)
    lines = [f'temperature T = {fit.temperature:.4f}, fitted on '
             f'{fit.num_pixels} pixels at mc_samples={fit.mc_samples}']
    for name, scale, unit in (('ECE', 100, ' (%)'), ('NLL', 1, ''),
                              ('Brier', 1, '')):
        lines.append(f'{name}{unit}: {fit.before[name] * scale:.4f} at T = 1'
                     f', {fit.after[name] * scale:.4f} at T')
    lines.append('evaluate with it: ' +
                 temperature_usage(cfg, fit.temperature, fit.mc_samples))
    return '\n'.join(lines)


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
