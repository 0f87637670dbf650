"""The model comparison table, in mmseg's results format:

    python tools/compare_models.py CONFIG [CONFIG ...] [--work-root DIR]
        [--measure] [--shape 360 480] [--out table.md]
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

from mmengine.config import Config, DictAction
from mmseg.utils import register_all_modules

from segnet_mm.analysis import benchmark as bm
from segnet_mm.analysis.comparison import (collect_row, format_tables,
                                           padded_shape, save_speed,
                                           shared_classes)
from segnet_mm.utils.run_config import load_run_config

# The synthetic training frames of --measure (in each config's layout).
DATA_SHAPE = (360, 480)
DATA_FRAMES = 16


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
        help='override settings of every config before measuring, '
        'as in tools/train.py')
    return parser.parse_args()


def measure_cost(name: str, cfg: Config, shape) -> dict:
    """Parameters used at inference and MACs at the padded ``shape``; ops
    mmengine could not count are reported, not guessed."""
    shape = padded_shape(cfg, shape)
    cost = bm.macs_and_params(cfg, shape)
    if cost['unsupported']:
        print(f'{name}: MACs leave out {cost["unsupported"]}')
    return dict(params=cost['inference_params'], macs=cost['macs'],
                input=shape)


def measure_speed(name: str, cfg: Config, work_dir: Path, shape,
                  iters: int) -> None:
    """bf16 + channels-last inference at ``shape`` (already padded) and the
    config's own training step on synthetic frames on this CPU, saved in
    ``work_dir``."""
    inference = bm.inference(cfg, shape, bf16_channels_last=True,
                             compact=None, iters=iters)
    train = bm.config_train_step_on_synthetic(cfg, DATA_SHAPE, DATA_FRAMES,
                                              iters=iters)
    path = save_speed(work_dir, inference['seconds'] * 1e3, train['seconds'])
    print(f'{name}: {inference["seconds"] * 1e3:.0f} ms/img, '
          f'{train["seconds"]:.2f} s/iter -> {path}')


def main():
    args = parse_args()
    register_all_modules()
    for config in args.configs:
        if not Path(config).is_file():
            raise FileNotFoundError(f'config {config} can not be found')
    cfgs = [load_run_config(c, cfg_options=args.cfg_options)
            for c in args.configs]
    work_dirs = [Path(args.work_root) / Path(c).stem for c in args.configs]
    costs = [measure_cost(c, cfg, args.shape)
             for c, cfg in zip(args.configs, cfgs)]
    if args.measure:
        for config, cfg, work_dir, cost in zip(args.configs, cfgs, work_dirs,
                                               costs):
            measure_speed(config, cfg, work_dir, cost['input'], args.iters)
    rows = [collect_row(c, w, cost)
            for c, w, cost in zip(args.configs, work_dirs, costs)]
    table = format_tables(rows, shared_classes(cfgs))
    print(table)
    if args.out:
        Path(args.out).write_text(table + '\n')


if __name__ == '__main__':
    main()
