"""Recompute a checkpoint's batch-norm statistics over the training split
with its weights fixed, as SegNet's authors' ``compute_bn_statistics.py``
does before testing: ``python tools/analysis_tools/recompute_bn.py CONFIG
CHECKPOINT --out NEW_CHECKPOINT [--num-batches N] [--dropout] [--seed S]
[--device cpu] [--cfg-options k=v ...]``.

Every BN layer gets the average of its per-batch means and unbiased
variances over one shuffled pass of the config's ``train_dataloader``
(its pipeline and batch size; the last incomplete batch dropped), or over
its first N batches, with dropout off unless ``--dropout``. The new
checkpoint is CHECKPOINT with those statistics and a
``meta.bn_statistics`` entry; CHECKPOINT itself is not changed. Prints,
per BN layer, how far CHECKPOINT's statistics were from the new ones: the
mean shift in new standard deviations and the old/new variance ratio
(geometric mean over channels).
"""
import argparse
import os.path as osp

from mmengine.config import DictAction

from segnet_mm.apis import init_segmentor
from segnet_mm.analysis.report import markdown_table
from segnet_mm.engine import (bn_statistics_dataloader, bn_statistics_gap,
                              recompute_bn_statistics, save_with_state_dict)


def parse_args():
    parser = argparse.ArgumentParser(
        description='Recompute BN statistics over the training split')
    parser.add_argument('config', help='config file')
    parser.add_argument('checkpoint', help='checkpoint file (not changed)')
    parser.add_argument(
        '--out', required=True, help='checkpoint file to write')
    parser.add_argument(
        '--num-batches', type=int, default=None,
        help='training batches to average over (default: one pass)')
    parser.add_argument(
        '--dropout', action='store_true',
        help='keep dropout sampling while gathering (default: off, as the '
        'authors)')
    parser.add_argument(
        '--seed', type=int, default=0,
        help='seed of the batches\' shuffle (default: 0)')
    parser.add_argument('--device', default='cpu', help='e.g. cpu, cuda:0')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override settings in the config, key=value pairs')
    args = parser.parse_args()
    if osp.exists(args.out) and osp.exists(args.checkpoint) and \
            osp.samefile(args.out, args.checkpoint):
        parser.error(f'--out {args.out} is the source checkpoint: write the '
                     'new one to another file')
    if args.num_batches is not None and args.num_batches < 1:
        parser.error(f'--num-batches must be >= 1, got {args.num_batches}')
    return args


def main():
    args = parse_args()
    model = init_segmentor(args.config, args.checkpoint, args.device,
                           args.cfg_options)
    old = {k: v.clone() for k, v in model.state_dict().items()}
    dataloader = bn_statistics_dataloader(model.cfg.train_dataloader,
                                          args.seed)
    count = recompute_bn_statistics(model, dataloader, args.num_batches,
                                    args.dropout)
    save_with_state_dict(
        args.checkpoint, args.out, model.cpu().state_dict(),
        dict(bn_statistics=dict(
            num_batches=count, dropout=args.dropout, seed=args.seed)))
    gaps = bn_statistics_gap(old, model.state_dict())
    print(markdown_table(
        ['BN layer', '|mean shift| / new std', 'old / new variance'],
        [(g.layer, f'{g.mean_shift:.3f}', f'{g.variance_ratio:.3f}')
         for g in gaps]))
    print(f'BN statistics over {count} training batches (dropout '
          f'{"on" if args.dropout else "off"}) written to {args.out}')


if __name__ == '__main__':
    main()
