import copy
from typing import Dict, List, Sequence

import torch
from mmengine.structures import PixelData
from torch import Tensor

from mmseg.models.segmentors import EncoderDecoder
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample
from mmseg.utils import OptSampleList, SampleList
from ..utils import (MCDropoutResult, batch_img_metas, dropout_layers,
                     mc_dropout_prefixes)


@MODELS.register_module()
class MCDropoutEncoderDecoder(EncoderDecoder):
    """``EncoderDecoder`` whose test-time prediction is Monte Carlo dropout,
    as in `Bayesian SegNet <https://arxiv.org/abs/1511.02680>`_.

    Training is ``EncoderDecoder``'s. At test time, with ``mc_samples`` T
    >= 2, ``predict`` runs ``inference`` T times with only the dropout
    layers in training mode (BN keeps its running statistics) and returns,
    per image, at the original size:

    - ``seg_logits``: log of the mean softmax (so its softmax is the mean),
      resized to the original size;
    - ``pred_sem_seg``: argmax of those resized ``seg_logits``;
    - ``entropy``: predictive entropy of the mean softmax, nats, (1, H, W);
    - ``variance``: variance of the T softmax samples, averaged over
      classes, (1, H, W);
    - ``mutual_information``: ``entropy`` minus the mean entropy of the T
      samples (the model-uncertainty part of the entropy), nats, (1, H, W);
    - metainfo ``mc_samples``: T, which ``CalibrationMetric`` checks against
      the T its temperature was fitted at.

    With T in {0, 1} it is ``EncoderDecoder`` (dropout off, weight
    averaging), so a config switches between the two with one number,
    e.g. ``--cfg-options model.mc_samples=1``.

    Args:
        mc_samples (int): T, dropout samples per image. Default: 16.
        **kwargs: ``EncoderDecoder``'s arguments (``backbone``,
            ``decode_head``, ``test_cfg`` ...).
    """

    def __init__(self, mc_samples: int = 16, **kwargs) -> None:
        if isinstance(mc_samples, bool) or not isinstance(mc_samples, int) \
                or mc_samples < 0:
            raise ValueError('mc_samples must be an int >= 0, got '
                             f'{mc_samples!r}')
        super().__init__(**kwargs)
        if mc_samples > 1 and not dropout_layers(self):
            raise ValueError(
                f'mc_samples={mc_samples} needs dropout layers, but the '
                'model has none: set dropout_stages in the backbone and/or '
                'decode_head, or mc_samples=1')
        self.mc_samples = mc_samples

    def predict(self,
                inputs: Tensor,
                data_samples: OptSampleList = None) -> SampleList:
        """Predict with MC dropout, or deterministically if T <= 1.

        Args:
            inputs (Tensor): Images, (N, C, H, W).
            data_samples (list[SegDataSample], optional): Their samples with
                ``metainfo``. Default: None.

        Returns:
            list[SegDataSample]: ``pred_sem_seg`` and ``seg_logits``, plus
            ``entropy``, ``variance`` and ``mutual_information`` when
            T >= 2.
        """
        if self.mc_samples <= 1:
            return super().predict(inputs, data_samples)
        return self.predict_prefixes(inputs, data_samples,
                                     [self.mc_samples])[self.mc_samples]

    def predict_prefixes(self, inputs: Tensor,
                         data_samples: OptSampleList,
                         counts: Sequence[int]) -> Dict[int, SampleList]:
        """``predict`` at several T from one run of ``max(counts)`` dropout
        samples, the result for T from the first T of them
        (:func:`mc_dropout_prefixes`).

        Args:
            inputs (Tensor): Images, (N, C, H, W).
            data_samples (list[SegDataSample], optional): Their samples;
                each T gets its own copies. Default: None.
            counts (Sequence[int]): The T, each >= 2.

        Returns:
            dict[int, list[SegDataSample]]: ``predict``'s results by T.
        """
        if min(counts) < 2:
            raise ValueError(f'MC dropout needs >= 2 samples, got {counts}')
        metas = batch_img_metas(inputs, data_samples)
        prefixes = mc_dropout_prefixes(
            self, lambda: self.inference(inputs, metas), counts)
        return {
            count: self._mc_results(
                mc, count, metas,
                None if data_samples is None else copy.deepcopy(data_samples))
            for count, mc in prefixes.items()
        }

    def _mc_results(self, mc: MCDropoutResult, count: int,
                    metas: List[dict],
                    data_samples: OptSampleList) -> SampleList:
        """``predict``'s samples from the statistics of ``count`` samples."""
        tiny = torch.finfo(mc.probs.dtype).tiny
        results = self.postprocess_result(
            mc.probs.clamp_min(tiny).log(), data_samples)
        # Undo padding and flip, resize to ori_shape: mmseg's own
        # post-processing, applied to the uncertainty maps as channels.
        maps = self.postprocess_result(
            torch.stack([mc.entropy, mc.variance, mc.mutual_information],
                        dim=1), None if data_samples is None else
            [SegDataSample(metainfo=meta) for meta in metas])
        for result, restored in zip(results, maps):
            entropy, variance, mutual_information = \
                restored.seg_logits.data.split(1)
            result.set_data(
                dict(
                    entropy=PixelData(data=entropy),
                    variance=PixelData(data=variance),
                    mutual_information=PixelData(data=mutual_information)))
            result.set_metainfo(dict(mc_samples=count))
        return results
