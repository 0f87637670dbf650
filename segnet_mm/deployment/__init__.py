"""Deployment, an optional room on top of the models: ONNX export, int8
quantization for CPUs (ONNX Runtime; OpenVINO and PT2E with their extras,
imported when used) and the segmentors that run the exported files in
place of a checkpoint."""
from .onnx_export import check_onnx, export_onnx
from .onnxruntime_segmentor import ONNXRuntimeSegmentor
from .openvino_quantization import export_openvino, quantize_int8_openvino
from .openvino_segmentor import OpenVINOSegmentor
from .quantization import quantize_int8
from .runtime_segmentor import RuntimeSegmentor

__all__ = [
    'check_onnx', 'export_onnx', 'ONNXRuntimeSegmentor', 'export_openvino',
    'quantize_int8_openvino', 'OpenVINOSegmentor', 'quantize_int8',
    'RuntimeSegmentor'
]
