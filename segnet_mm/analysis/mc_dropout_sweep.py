"""Accuracy and calibration of Monte Carlo dropout against the number of
samples T: one pass over a config's test set, each image sampled
``max(T)`` times, every T scored with the config's ``test_evaluator`` on
the first T of those samples (T = 1: weight averaging, dropout off)."""
import copy
from typing import Dict, Optional, Sequence

from mmengine.evaluator import Evaluator

from ..apis import init_mc_dropout_segmentor
from ..apis.split_inference import predict_split, split_dataloader
from ..utils.config_edits import load_config
from .mc_dropout_speed import MC_SAMPLES


def mc_dropout_sweep(config: str,
                     checkpoint: str,
                     samples: Sequence[int] = MC_SAMPLES,
                     cfg_options: Optional[dict] = None,
                     progress: bool = True) -> Dict[int, dict]:
    """The ``test_evaluator``'s metrics for each number of samples T.

    Args:
        config (str): Config of an ``MCDropoutEncoderDecoder`` (or an
            ``EncoderDecoder`` with dropout layers); its ``test_dataloader``
            is the data, e.g. val with ``data_prefix`` overrides.
        checkpoint (str): Its weights.
        samples (Sequence[int]): The T; 1 is weight averaging, the others
            share one run of ``max(samples)`` dropout samples per image.
        cfg_options (dict, optional): Config overrides. Default: None.
        progress (bool): Show a progress bar. Default: True.

    Returns:
        dict[int, dict]: The evaluator's metrics by T.

    Raises:
        ValueError: if no T is >= 2 or one is < 1.
    """
    counts = sorted(set(samples))
    if counts[0] < 1 or counts[-1] < 2:
        raise ValueError(f'samples must be >= 1 with one >= 2, got {samples}')
    cfg = load_config(config, cfg_options)
    model = init_mc_dropout_segmentor(cfg, checkpoint, counts[-1])
    dataloader = split_dataloader(cfg, 'test')
    evaluators = {}
    for count in counts:
        evaluators[count] = Evaluator(copy.deepcopy(cfg.test_evaluator))
        evaluators[count].dataset_meta = dataloader.dataset.metainfo
    sampled = [count for count in counts if count > 1]

    def every_count(batch: dict) -> Dict[int, list]:
        data = model.data_preprocessor(batch, False)
        inputs, data_samples = data['inputs'], data['data_samples']
        results = model.predict_prefixes(inputs, data_samples, sampled)
        if 1 in evaluators:
            model.mc_samples = 1
            results[1] = model.predict(inputs, copy.deepcopy(data_samples))
            model.mc_samples = counts[-1]
        return results

    for batch, results in predict_split(
            model, dataloader, every_count,
            len(dataloader.dataset) if progress else None):
        for count, evaluator in evaluators.items():
            evaluator.process(results[count], batch)
    return {
        count: evaluator.evaluate(len(dataloader.dataset))
        for count, evaluator in evaluators.items()
    }
