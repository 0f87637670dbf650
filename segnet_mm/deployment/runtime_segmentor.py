"""What every segmentor on a deployed model file shares (an ONNX graph run
by onnxruntime, an OpenVINO IR run by OpenVINO): the metadata check against
the config, the config's preprocessing, one fixed input size, logits per
image and mmseg's post-processing. A back end supplies the file's recorded
metadata, its input size and one run of the network."""
import ast
from typing import Dict, List, Sequence, Tuple

import numpy as np
import torch
from torch import Tensor

from mmseg.models import BaseSegmentor
from mmseg.utils import OptSampleList, SampleList
from ..models.utils import batch_img_metas

# Suffix of a deployed model file -> (the registered segmentor that runs
# it, the argument naming the file). A back end is one entry here.
RUNTIME_MODELS = {
    '.onnx': ('ONNXRuntimeSegmentor', 'onnx_file'),
    '.xml': ('OpenVINOSegmentor', 'xml_file'),
}


def runtime_model_type(model_file: str):
    """``RUNTIME_MODELS``' entry for ``model_file``'s suffix, or None
    where it is not a deployed model (a checkpoint)."""
    for suffix, entry in RUNTIME_MODELS.items():
        if str(model_file).lower().endswith(suffix):
            return entry
    return None


def runtime_segmentor_cfg(model_file: str, classes: Sequence[str],
                          data_preprocessor) -> dict:
    """The model config of the segmentor that runs ``model_file`` with
    ``data_preprocessor`` (a config or the module) for ``classes``.

    Raises:
        ValueError: naming ``model_file`` if no back end takes its suffix.
    """
    entry = runtime_model_type(model_file)
    if entry is None:
        raise ValueError(f'{model_file} is no deployed model: its suffix '
                         f'is none of {sorted(RUNTIME_MODELS)}')
    seg_type, file_arg = entry
    return {
        'type': seg_type,
        file_arg: str(model_file),
        'classes': list(classes),
        'data_preprocessor': data_preprocessor
    }


def _recorded(model_file: str, props: dict, key: str):
    """The value ``export_onnx`` recorded under ``key``."""
    if key not in props:
        raise ValueError(
            f'{model_file} records no {key!r} in its metadata, so it can not '
            'be checked against the config: export it again with '
            'tools/deployment/export_onnx.py or tools/deployment/quantize.py')
    return ast.literal_eval(props[key])


def check_recorded_preprocessing(model_file: str, props: Dict[str, str],
                                 preprocessor: torch.nn.Module,
                                 classes: Sequence[str]) -> None:
    """The mean, std, channel order and classes ``model_file`` was exported
    with (its metadata ``props``, as :func:`~.onnx_export.export_onnx`
    records them) are the config's.

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
        theirs = _recorded(model_file, props, key)
        if key in ('mean', 'std'):
            same = value is not None and len(theirs) == len(value) and \
                np.allclose(theirs, value, atol=1e-3)
        else:
            same = theirs == value
        if not same:
            differ.append(f'{key} {theirs} in the file, {value} in '
                          f'{config_key}')
    if differ:
        raise ValueError(f'{model_file} does not fit the config: ' +
                         '; '.join(differ))


class RuntimeSegmentor(BaseSegmentor):
    """A network deployed as a file mapping a preprocessed (1, 3, H, W)
    batch to logits (1, K, H, W), as :func:`~.onnx_export.export_onnx`
    writes it.

    Preprocessing is the config's ``data_preprocessor``; post-processing
    (undo padding, resize to the original size, argmax) is mmseg's
    ``BaseSegmentor.postprocess_result``, so ``predict`` returns what
    ``EncoderDecoder`` returns in ``whole`` mode and mmseg's metrics, demo and
    video tools take it unchanged. The network has one fixed input size:
    inputs of another size are refused with both sizes named.

    A back end calls :meth:`_check_metadata` once it has read the file, sets
    ``input_size`` and implements :meth:`_run`.

    Args:
        model_file (str): The deployed model.
        data_preprocessor (dict | nn.Module, optional): mmseg's
            ``SegDataPreProcessor`` config. Default: None.
        init_cfg (dict, optional): Unused (nothing to initialise).
    """
    #: What the file is, in words, for messages.
    kind = 'a deployed model'

    def __init__(self,
                 model_file: str,
                 data_preprocessor=None,
                 init_cfg=None):
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.model_file = str(model_file)
        self.input_size: Tuple[int, int] = (0, 0)
        self.align_corners = False

    def _check_metadata(self, props: Dict[str, str],
                        classes: Sequence[str]) -> None:
        """The file's recorded preprocessing and classes are the config's
        (:func:`check_recorded_preprocessing`)."""
        check_recorded_preprocessing(self.model_file, props,
                                     self.data_preprocessor, classes)

    def _run(self, image: np.ndarray) -> np.ndarray:
        """Logits (1, K, H, W) of one preprocessed float32 (1, 3, H, W)
        image."""
        raise NotImplementedError

    def encode_decode(self, inputs: Tensor,
                      batch_img_metas: List[dict]) -> Tensor:
        """Logits (N, K, H, W) of preprocessed inputs, one image per run."""
        size = tuple(inputs.shape[-2:])
        if size != self.input_size:
            raise ValueError(
                f'{self.model_file} takes {self.input_size[0]}x'
                f'{self.input_size[1]} inputs, the test pipeline gives '
                f'{size[0]}x{size[1]}: export or quantize the model at '
                f'shape ({size[0]}, {size[1]})')
        images = inputs.float().cpu().numpy()
        logits = [self._run(image[None]) for image in images]
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
            f'{self.kind} gives logits only, no features')

    def loss(self, inputs: Tensor, data_samples: SampleList) -> dict:
        raise NotImplementedError(
            f'{self.model_file} is {self.kind}: it can be tested, not '
            'trained')
