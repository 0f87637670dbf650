"""How many dataloader workers keep a training run fed:

    python tools/analysis_tools/benchmark_data.py CONFIG [--images-per-s 300]
        [--samples 40] [--cfg-options k=v ...]

Times the config's training dataset and pipeline (decode, augment, pack)
sample by sample in one process, as one dataloader worker runs it, and
prints its images/s and the workers that reach --images-per-s on a machine
with cores like this one's.
"""
import argparse
import math
from pathlib import Path

from mmengine.config import DictAction

from mmseg.utils import register_all_modules

from segnet_mm.analysis.comparison import machine_name
from segnet_mm.analysis.benchmark import pipeline_seconds
from segnet_mm.utils.config_edits import load_run_config


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='train config file')
    parser.add_argument('--images-per-s', type=float, default=300,
                        help='the rate the workers must reach')
    parser.add_argument('--samples', type=int, default=40,
                        help='timed samples')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override settings in the config')
    args = parser.parse_args()
    if not Path(args.config).is_file():
        parser.error(f'no such config: {args.config}')
    return args


def main():
    args = parse_args()
    register_all_modules()
    cfg = load_run_config(args.config, cfg_options=args.cfg_options)
    import segnet_mm  # noqa: F401  (CamVidDataset and our transforms)
    seconds = pipeline_seconds(cfg, args.samples)
    rate = 1 / seconds
    print(f'{machine_name()}: one worker {1000 * seconds:.1f} ms/sample, '
          f'{rate:.1f} images/s; {args.images_per_s:g} images/s needs '
          f'{math.ceil(args.images_per_s / rate)} workers '
          f'(config: {cfg.train_dataloader.num_workers})')


if __name__ == '__main__':
    main()
