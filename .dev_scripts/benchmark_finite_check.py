"""Time the finite-value check of ``BF16AmpOptimWrapper`` and
``NonFiniteLossHook`` on a config's weights, against ``isfinite().all()``
per tensor:

    python .dev_scripts/benchmark_finite_check.py configs/segnet_camvid.py \
        --threads 1

It prints the median and fastest of ``--reps`` timings of each and their
ratio.
"""
import argparse
import statistics
import time

import torch
from mmengine.config import Config

from mmseg.registry import MODELS
from mmseg.utils import register_all_modules
import segnet_mm  # noqa: F401
from segnet_mm.engine.hooks.non_finite_loss_hook import non_finite_indices


def isfinite_all(tensors):
    torch.stack([torch.isfinite(t).all() for t in tensors]).all().item()


def timings(check, tensors, reps):
    check(tensors)
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        check(tensors)
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('--threads', type=int, default=None)
    parser.add_argument('--reps', type=int, default=20)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    register_all_modules()
    model = MODELS.build(Config.fromfile(args.config).model)
    params = list(model.parameters())
    print(f'{sum(p.numel() for p in params) / 1e6:.1f}M weights in '
          f'{len(params)} tensors, {torch.get_num_threads()} threads')
    medians = {}
    for name, check in (('non_finite_indices', non_finite_indices),
                        ('isfinite().all()', isfinite_all)):
        medians[name], fastest = timings(check, params, args.reps)
        print(f'{name}: median {medians[name] * 1e3:.1f} ms, fastest '
              f'{fastest * 1e3:.1f} ms')
    ratio = medians['isfinite().all()'] / medians['non_finite_indices']
    print(f'isfinite().all() / non_finite_indices: {ratio:.1f}x')


if __name__ == '__main__':
    main()
