"""Stand-in for mmcv's compiled ops on the device: mmseg imports mmcv.ops at
import time, none of the benchmarked models calls a compiled op."""


def __getattr__(name):
    def missing(*args, **kwargs):
        raise RuntimeError(f'mmcv compiled op {name} is not built here')
    return missing
