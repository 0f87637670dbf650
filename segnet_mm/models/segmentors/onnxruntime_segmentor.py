"""A segmentor whose network is an ONNX file run by onnxruntime on the CPU:
the int8 model ``tools/quantize.py`` writes (or a float export), scored and
used by the same tools as a PyTorch checkpoint."""
from typing import List, Optional

import numpy as np
import torch
from torch import Tensor

from mmseg.models import BaseSegmentor
from mmseg.registry import MODELS
from mmseg.utils import OptSampleList, SampleList
from .mc_dropout_encoder_decoder import batch_img_metas


@MODELS.register_module()
class ONNXRuntimeSegmentor(BaseSegmentor):
    """Run an ONNX graph mapping a preprocessed (1, 3, H, W) batch to logits
    (1, K, H, W), as :func:`segnet_mm.apis.export_onnx` writes it.

    Preprocessing is the config's ``data_preprocessor``; post-processing
    (undo padding, resize to the original size, argmax) is mmseg's
    ``BaseSegmentor.postprocess_result``, so ``predict`` returns what
    ``EncoderDecoder`` returns in ``whole`` mode and mmseg's metrics, demo and
    video tools take it unchanged. The graph has one fixed input size: inputs
    of another size are refused with both sizes named.

    Args:
        onnx_file (str): The ONNX model.
        data_preprocessor (dict, optional): mmseg's ``SegDataPreProcessor``
            config. Default: None.
        num_threads (int, optional): onnxruntime intra-op threads; None
            lets onnxruntime choose (one per core). Default: None.
        init_cfg (dict, optional): Unused (nothing to initialise).
    """

    def __init__(self,
                 onnx_file: str,
                 data_preprocessor: Optional[dict] = None,
                 num_threads: Optional[int] = None,
                 init_cfg: Optional[dict] = None):
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        import onnxruntime as ort
        options = ort.SessionOptions()
        if num_threads:
            options.intra_op_num_threads = num_threads
        self.onnx_file = onnx_file
        self.session = ort.InferenceSession(
            onnx_file, options, providers=['CPUExecutionProvider'])
        graph_input = self.session.get_inputs()[0]
        self.input_name = graph_input.name
        self.input_size = tuple(graph_input.shape[-2:])
        self.align_corners = False

    def encode_decode(self, inputs: Tensor,
                      batch_img_metas: List[dict]) -> Tensor:
        """Logits (N, K, H, W) of preprocessed inputs, one image per run."""
        size = tuple(inputs.shape[-2:])
        if size != self.input_size:
            raise ValueError(
                f'{self.onnx_file} takes {self.input_size[0]}x'
                f'{self.input_size[1]} inputs, the test pipeline gives '
                f'{size[0]}x{size[1]}: export/quantize with --shape '
                f'{size[0]} {size[1]}')
        images = inputs.float().cpu().numpy()
        logits = [
            self.session.run(None, {self.input_name: image[None]})[0]
            for image in images
        ]
        return torch.from_numpy(np.concatenate(logits)).to(inputs.device)

    def predict(self,
                inputs: Tensor,
                data_samples: OptSampleList = None) -> SampleList:
        """``pred_sem_seg`` and ``seg_logits`` per image, original size."""
        logits = self.encode_decode(inputs,
                                    batch_img_metas(inputs, data_samples))
        return self.postprocess_result(logits, data_samples)

    def _forward(self,
                 inputs: Tensor,
                 data_samples: OptSampleList = None) -> Tensor:
        return self.encode_decode(inputs,
                                  batch_img_metas(inputs, data_samples))

    def extract_feat(self, inputs: Tensor):
        raise NotImplementedError(
            'an ONNX graph gives logits only, no features')

    def loss(self, inputs: Tensor, data_samples: SampleList) -> dict:
        raise NotImplementedError(
            f'{self.onnx_file} is an ONNX model: it can be tested, not '
            'trained')
