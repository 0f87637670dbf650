from .mc_dropout_encoder_decoder import MCDropoutEncoderDecoder
from .onnxruntime_segmentor import ONNXRuntimeSegmentor
from .openvino_segmentor import OpenVINOSegmentor
from .runtime_segmentor import RuntimeSegmentor

__all__ = [
    'MCDropoutEncoderDecoder', 'ONNXRuntimeSegmentor', 'OpenVINOSegmentor',
    'RuntimeSegmentor'
]
