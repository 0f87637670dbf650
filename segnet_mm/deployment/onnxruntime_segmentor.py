"""A segmentor whose network is an ONNX file run by onnxruntime on the CPU:
the int8 model ``tools/deployment/quantize.py`` writes (or a float export),
scored and used by the same tools as a PyTorch checkpoint."""
from typing import Optional, Sequence, Union

import numpy as np

from mmseg.registry import MODELS
from .runtime_segmentor import RuntimeSegmentor


def onnxruntime_session(model: Union[str, bytes],
                        num_threads: Optional[int] = None,
                        profile_prefix: Optional[str] = None):
    """An onnxruntime CPU session on an ONNX file (or its bytes) with every
    graph optimisation (onnxruntime's default, ``ORT_ENABLE_ALL``), which
    fuses each quantize-dequantize-``Conv`` of an int8 graph into an
    integer ``QLinearConv``; unoptimised, the int8 graph would run its
    convolutions in fp32 on dequantized weights.

    Args:
        model (str | bytes): ONNX file, or a serialized model.
        num_threads (int, optional): Intra-op threads; None lets
            onnxruntime choose (one per core). Default: None.
        profile_prefix (str, optional): Profile every run, into a JSON file
            with this prefix (``end_profiling`` names it). Default: None,
            no profiling.
    """
    import onnxruntime as ort
    options = ort.SessionOptions()
    options.graph_optimization_level = \
        ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    if num_threads:
        options.intra_op_num_threads = num_threads
    if profile_prefix:
        options.enable_profiling = True
        options.profile_file_prefix = profile_prefix
    return ort.InferenceSession(
        model, options, providers=['CPUExecutionProvider'])


@MODELS.register_module()
class ONNXRuntimeSegmentor(RuntimeSegmentor):
    """Run an ONNX graph mapping a preprocessed (1, 3, H, W) batch to logits
    (1, K, H, W), as :func:`~.onnx_export.export_onnx` writes it, with the
    config's pre- and post-processing (:class:`RuntimeSegmentor`). The mean,
    std, channel order (``bgr_to_rgb``) and classes the file was exported
    with (its ONNX metadata) must be the config's.

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
    kind = 'an ONNX model'

    def __init__(self,
                 onnx_file: str,
                 classes: Sequence[str],
                 data_preprocessor: Optional[dict] = None,
                 num_threads: Optional[int] = None,
                 init_cfg: Optional[dict] = None):
        super().__init__(onnx_file, data_preprocessor, init_cfg)
        self.session = onnxruntime_session(onnx_file, num_threads)
        self._check_metadata(
            self.session.get_modelmeta().custom_metadata_map, classes)
        graph_input = self.session.get_inputs()[0]
        self.input_name = graph_input.name
        self.input_size = tuple(graph_input.shape[-2:])

    def _run(self, image: np.ndarray) -> np.ndarray:
        return self.session.run(None, {self.input_name: image})[0]
