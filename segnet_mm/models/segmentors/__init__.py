from .mc_dropout_encoder_decoder import MCDropoutEncoderDecoder
from .onnxruntime_segmentor import ONNXRuntimeSegmentor

__all__ = ['MCDropoutEncoderDecoder', 'ONNXRuntimeSegmentor']
