"""Median-frequency class weights of a config's dataset split:
``python tools/analysis_tools/class_weights.py CONFIG [--split train]
[--cfg-options ...]``.

Prints the definition, the split and the weights as a list to paste into a
config's ``class_weight``.
"""
import argparse

from mmengine.config import DictAction
from mmengine.registry import init_default_scope

from segnet_mm.datasets.class_weights import (MEDIAN_FREQUENCY_DEFINITION,
                                              split_class_weights)
from segnet_mm.utils.config_edits import load_config


def parse_args():
    parser = argparse.ArgumentParser(
        description='Median-frequency class weights of a dataset split')
    parser.add_argument('config', help='config file path')
    parser.add_argument(
        '--split',
        default='train',
        choices=['train', 'val', 'test'],
        help='use {split}_dataloader.dataset (default: train)')
    parser.add_argument(
        '--ignore-index',
        type=int,
        default=255,
        help='label of unlabelled pixels (default: 255)')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override settings in the config, key=value pairs')
    return parser.parse_args()


def main():
    args = parse_args()
    cfg = load_config(args.config, args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    dataset, weights = split_class_weights(cfg, args.split,
                                           args.ignore_index)
    dataset_cfg = cfg[f'{args.split}_dataloader'].dataset
    print(MEDIAN_FREQUENCY_DEFINITION)
    print(f'split: {args.split} ({dataset_cfg.type}, {len(dataset)} images, '
          f'data_root={dataset_cfg.get("data_root")}, '
          f'data_prefix={dict(dataset_cfg.get("data_prefix", {}))})')
    for name, weight in zip(dataset.metainfo['classes'], weights):
        print(f'  {name:>16}: {weight:.4f}')
    print('class_weight = [' + ', '.join(f'{w:.4f}' for w in weights) + ']')


if __name__ == '__main__':
    main()
