"""A segmentor whose network is an OpenVINO IR (``.xml`` + ``.bin``) run by
OpenVINO on the CPU: the int8 model ``tools/deployment/quantize.py
--backend openvino`` writes, scored and used by the same tools as a
PyTorch checkpoint."""
from typing import Dict, Optional, Sequence

import numpy as np

from mmseg.registry import MODELS
from .runtime_segmentor import RuntimeSegmentor

# The rt_info section of the IR holding what export_onnx records as ONNX
# metadata (mean, std, bgr_to_rgb, classes, ...).
METADATA_SECTION = 'segnet_mm'


def import_openvino():
    """Import openvino, or say how to get it."""
    try:
        import openvino
    except ImportError as err:
        raise ImportError(
            'the OpenVINO back end needs openvino and nncf (pip install -e '
            f'.[openvino]): {err}') from err
    return openvino


def openvino_metadata(model) -> Dict[str, str]:
    """The ``METADATA_SECTION`` of an ``openvino.Model``'s rt_info as
    strings (empty if it has none)."""
    if not model.has_rt_info([METADATA_SECTION]):
        return {}
    section = model.get_rt_info([METADATA_SECTION]).astype(dict)
    return {key: value.astype(str) for key, value in section.items()}


def set_openvino_metadata(model, props: Dict[str, str]) -> None:
    """Record ``props`` in ``model``'s rt_info (``METADATA_SECTION``),
    which the IR keeps."""
    for key, value in props.items():
        model.set_rt_info(str(value), [METADATA_SECTION, key])


def openvino_compiled_model(model,
                            num_threads: Optional[int] = None,
                            **properties):
    """An ``openvino.Model`` (or an IR file) compiled for the CPU for one
    image at a time (``PERFORMANCE_HINT`` 'LATENCY'), its float layers in
    f32 as exported (``INFERENCE_PRECISION_HINT`` 'f32': OpenVINO would
    otherwise run them in bf16 on CPUs with bf16 hardware). An int8 IR runs
    its FakeQuantize-wrapped convolutions as integer kernels (the runtime
    model's ``runtimePrecision`` u8/i8).

    Args:
        model (openvino.Model | str): The model, or its ``.xml``.
        num_threads (int, optional): ``INFERENCE_NUM_THREADS``; None lets
            OpenVINO choose. Default: None.
        **properties: Further compile properties (e.g. ``PERF_COUNT=True``
            for per-layer counters, ``INFERENCE_PRECISION_HINT='bf16'``);
            the hint stays 'LATENCY' and ``num_threads`` sets the threads.
    """
    ov = import_openvino()
    config = {
        'INFERENCE_PRECISION_HINT': 'f32',
        **properties, 'PERFORMANCE_HINT': 'LATENCY'
    }
    if num_threads:
        config['INFERENCE_NUM_THREADS'] = int(num_threads)
    return ov.Core().compile_model(model, 'CPU', config)


@MODELS.register_module()
class OpenVINOSegmentor(RuntimeSegmentor):
    """Run an OpenVINO IR mapping a preprocessed (1, 3, H, W) batch to logits
    (1, K, H, W), converted from :func:`~.onnx_export.export_onnx`'s graph,
    with the config's pre- and post-processing (:class:`RuntimeSegmentor`).
    The mean, std, channel order (``bgr_to_rgb``) and classes recorded in
    the IR's rt_info must be the config's.

    Args:
        xml_file (str): The IR's ``.xml`` (its ``.bin`` beside it).
        classes (Sequence[str]): The classes the config predicts (its test
            dataset's).
        data_preprocessor (dict, optional): mmseg's ``SegDataPreProcessor``
            config. Default: None.
        num_threads (int, optional): ``INFERENCE_NUM_THREADS``; None lets
            OpenVINO choose. Default: None.
        init_cfg (dict, optional): Unused (nothing to initialise).
    """
    kind = 'an OpenVINO model'

    def __init__(self,
                 xml_file: str,
                 classes: Sequence[str],
                 data_preprocessor: Optional[dict] = None,
                 num_threads: Optional[int] = None,
                 init_cfg: Optional[dict] = None):
        super().__init__(xml_file, data_preprocessor, init_cfg)
        model = import_openvino().Core().read_model(str(xml_file))
        self._check_metadata(openvino_metadata(model), classes)
        self.compiled_model = openvino_compiled_model(model, num_threads)
        self.request = self.compiled_model.create_infer_request()
        self.input_size = tuple(
            self.compiled_model.input(0).get_shape())[-2:]

    def _run(self, image: np.ndarray) -> np.ndarray:
        self.request.infer({0: image})
        return self.request.get_output_tensor(0).data.copy()
