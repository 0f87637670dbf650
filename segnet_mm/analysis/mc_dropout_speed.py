"""Milliseconds per image of Monte Carlo dropout against weight averaging:
one checkpoint's ``predict`` (inference and the resize back to the image's
size) at T = 1 (dropout off) and at each number of dropout samples T, on
the same input and thread count, median of the timed runs."""
from typing import Dict, Optional, Sequence

import torch

from mmseg.structures import SegDataSample
from ..apis import init_segmentor
from .timing import benchmark_input, median_seconds

# The numbers of dropout samples T the MC-dropout tools use by default
# (1: weight averaging).
MC_SAMPLES = (1, 2, 4, 8, 16, 32)


def mc_dropout_ms_per_image(config: str,
                            checkpoint: str,
                            samples: Sequence[int] = MC_SAMPLES,
                            shape: Sequence[int] = (360, 480),
                            warmup: int = 1,
                            iters: int = 3,
                            cfg_options: Optional[dict] = None
                            ) -> Dict[int, float]:
    """Median ms of one (1, 3, H, W) image's prediction for each T.

    Args:
        config (str): Config of an ``MCDropoutEncoderDecoder``.
        checkpoint (str): Its weights.
        samples (Sequence[int]): The T to time; 1 is weight averaging.
        shape (Sequence[int]): (H, W) of the normalised input, also the
            size predictions are resized back to.
        warmup (int): Untimed runs per T. Default: 1.
        iters (int): Timed runs per T. Default: 3.
        cfg_options (dict, optional): Config overrides. Default: None.

    Returns:
        dict[int, float]: Milliseconds per image by T, in fp32 on the
        current device's threads (``torch.get_num_threads()``).
    """
    inputs = torch.from_numpy(benchmark_input(shape))
    meta = dict(ori_shape=tuple(shape), img_shape=tuple(shape),
                pad_shape=tuple(shape), padding_size=[0, 0, 0, 0])
    model = init_segmentor(config, checkpoint, cfg_options=cfg_options)
    ms = {}
    for t in samples:
        model.mc_samples = t

        def predict():
            with torch.no_grad():
                model.predict(inputs, [SegDataSample(metainfo=meta)])

        ms[t] = 1000 * median_seconds(predict, warmup, iters)
    return ms
