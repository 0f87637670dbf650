"""The model comparison table, in mmseg's results format:

    python tools/analysis_tools/compare_models.py CONFIG [CONFIG ...]
        [--work-root DIR] [--measure] [--shape 360 480] [--out table.md]
        [--cfg-options KEY=VALUE ...]

Per config: parameters used at inference and MACs at --shape (padded as
the config's data preprocessor pads it; pooling and unpooling counted),
the bf16 CPU inference ms/img and training s/iter saved in its work dir
(``--measure`` measures them now on this machine and saves them), the val
aAcc/mAcc/mIoU logged at the last iteration, the test metrics of
``tools/test.py --work-dir WORK_DIR/test``, and per-class test IoU (the
classes of the configs' test dataset, which they must share). The
work dir of CONFIG is WORK_ROOT/<config name> (default work_dirs/, as
tools/train.py). ``--cfg-options`` edit every config before it is
measured. Blank = not measured.
"""
import argparse
from pathlib import Path

from mmengine.config import DictAction

from mmseg.utils import register_all_modules

from segnet_mm.analysis.comparison import (collect_row, measure_cost,
                                           measure_speed, shared_classes)
from segnet_mm.analysis.report import comparison_tables
from segnet_mm.utils.config_edits import load_run_config


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('configs', nargs='+', help='config files')
    parser.add_argument('--work-root', default='work_dirs',
                        help='work dirs are WORK_ROOT/<config name>')
    parser.add_argument('--shape', type=int, nargs=2, default=[360, 480],
                        help='(H, W) for MACs and inference time')
    parser.add_argument('--measure', action='store_true',
                        help='measure inference and training speed on this '
                        'machine now and save it in each work dir')
    parser.add_argument('--iters', type=int, default=3,
                        help='timed iterations per speed measurement')
    parser.add_argument('--out', help='also write the tables to this file')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override settings of every config before measuring, as in '
        'tools/train.py')
    return parser.parse_args()


def main():
    args = parse_args()
    register_all_modules()
    for config in args.configs:
        if not Path(config).is_file():
            raise FileNotFoundError(f'config {config} can not be found')
    cfgs = [load_run_config(c, cfg_options=args.cfg_options)
            for c in args.configs]
    work_dirs = [Path(args.work_root) / Path(c).stem for c in args.configs]
    costs = [measure_cost(cfg, args.shape) for cfg in cfgs]
    for config, cost in zip(args.configs, costs):
        uncounted = cost.pop('unsupported')
        if uncounted:
            print(f'{config}: MACs leave out {uncounted}')
    if args.measure:
        for config, cfg, work_dir, cost in zip(args.configs, cfgs, work_dirs,
                                               costs):
            speed = measure_speed(cfg, work_dir, cost['input'], args.iters)
            print(f'{config}: {speed["inference_ms"]:.0f} ms/img, '
                  f'{speed["train_s_per_iter"]:.2f} s/iter -> '
                  f'{speed["path"]}')
    rows = [collect_row(c, w, cost)
            for c, w, cost in zip(args.configs, work_dirs, costs)]
    table = comparison_tables(rows, shared_classes(cfgs))
    print(table)
    if args.out:
        Path(args.out).write_text(table + '\n')


if __name__ == '__main__':
    main()
