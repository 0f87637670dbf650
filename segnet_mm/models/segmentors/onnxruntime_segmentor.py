"""A segmentor whose network is an ONNX file run by onnxruntime on the CPU:
the int8 model ``tools/deployment/quantize.py`` writes (or a float export),
scored and used by the same tools as a PyTorch checkpoint."""
import ast
from typing import List, Optional, Sequence, Union

import numpy as np
import torch
from torch import Tensor

from mmseg.models import BaseSegmentor
from mmseg.registry import MODELS
from mmseg.utils import OptSampleList, SampleList
from ..utils import batch_img_metas


def onnxruntime_session(model: Union[str, bytes],
                        num_threads: Optional[int] = None):
    """An onnxruntime CPU session on an ONNX file (or its bytes) with every
    graph optimisation (onnxruntime's default, ``ORT_ENABLE_ALL``), which
    fuses each quantize-dequantize-``Conv`` of an int8 graph into an
    integer ``QLinearConv``; unoptimised, the int8 graph would run its
    convolutions in fp32 on dequantized weights.

    Args:
        model (str | bytes): ONNX file, or a serialized model.
        num_threads (int, optional): Intra-op threads; None lets
            onnxruntime choose (one per core). Default: None.
    """
    import onnxruntime as ort
    options = ort.SessionOptions()
    options.graph_optimization_level = \
        ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    if num_threads:
        options.intra_op_num_threads = num_threads
    return ort.InferenceSession(
        model, options, providers=['CPUExecutionProvider'])


def _recorded(onnx_file: str, props: dict, key: str):
    """The value ``export_onnx`` recorded under ``key``."""
    if key not in props:
        raise ValueError(
            f'{onnx_file} records no {key!r} in its metadata, so it can not '
            'be checked against the config: export it again with '
            'tools/deployment/export_onnx.py or tools/deployment/quantize.py')
    return ast.literal_eval(props[key])


def check_onnx_preprocessing(onnx_file: str, props: dict,
                             preprocessor: torch.nn.Module,
                             classes: Sequence[str]) -> None:
    """The mean, std, channel order and classes ``onnx_file`` was exported
    with (its metadata ``props``) are the config's.

    Raises:
        ValueError: naming each that differs, with both values.
    """
    def rounded(name):
        values = getattr(preprocessor, name, None)
        return None if values is None else [
            round(float(v), 4) for v in values.flatten()
        ]

    ours = {
        'model.data_preprocessor.mean': ('mean', rounded('mean')),
        'model.data_preprocessor.std': ('std', rounded('std')),
        'model.data_preprocessor.bgr_to_rgb':
        ('bgr_to_rgb', bool(getattr(preprocessor, 'channel_conversion',
                                    False))),
        "the test dataset's classes": ('classes', list(classes)),
    }
    differ = []
    for config_key, (key, value) in ours.items():
        theirs = _recorded(onnx_file, props, key)
        if key in ('mean', 'std'):
            same = value is not None and len(theirs) == len(value) and \
                np.allclose(theirs, value, atol=1e-3)
        else:
            same = theirs == value
        if not same:
            differ.append(f'{key} {theirs} in the file, {value} in '
                          f'{config_key}')
    if differ:
        raise ValueError(f'{onnx_file} does not fit the config: ' +
                         '; '.join(differ))


@MODELS.register_module()
class ONNXRuntimeSegmentor(BaseSegmentor):
    """Run an ONNX graph mapping a preprocessed (1, 3, H, W) batch to logits
    (1, K, H, W), as :func:`segnet_mm.apis.export_onnx` writes it.

    Preprocessing is the config's ``data_preprocessor``; post-processing
    (undo padding, resize to the original size, argmax) is mmseg's
    ``BaseSegmentor.postprocess_result``, so ``predict`` returns what
    ``EncoderDecoder`` returns in ``whole`` mode and mmseg's metrics, demo and
    video tools take it unchanged. The graph has one fixed input size: inputs
    of another size are refused with both sizes named. The mean, std,
    channel order (``bgr_to_rgb``) and classes the file was exported with
    must be the config's (:func:`check_onnx_preprocessing`).

    Args:
        onnx_file (str): The ONNX model.
        classes (Sequence[str]): The classes the config predicts (its test
            dataset's).
        data_preprocessor (dict, optional): mmseg's ``SegDataPreProcessor``
            config. Default: None.
        num_threads (int, optional): onnxruntime intra-op threads; None
            lets onnxruntime choose (one per core). Default: None.
        init_cfg (dict, optional): Unused (nothing to initialise).
    """

    def __init__(self,
                 onnx_file: str,
                 classes: Sequence[str],
                 data_preprocessor: Optional[dict] = None,
                 num_threads: Optional[int] = None,
                 init_cfg: Optional[dict] = None):
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.onnx_file = onnx_file
        self.session = onnxruntime_session(onnx_file, num_threads)
        check_onnx_preprocessing(
            onnx_file,
            self.session.get_modelmeta().custom_metadata_map,
            self.data_preprocessor, classes)
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
