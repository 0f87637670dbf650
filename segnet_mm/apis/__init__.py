from .inference import (find_images, init_segmentor, is_runtime_model,
                        runtime_model_config, segment_images)
from .mc_dropout import init_mc_dropout_segmentor, save_uncertainty
from .onnx_export import check_onnx, export_onnx, prepare_input
from .openvino_quantization import export_openvino, quantize_int8_openvino
from .quantization import (calibration_images, held_out_image,
                           int8_cpu_support, quantize_int8)
from .quantize_backends import (QUANTIZE_BACKENDS, QuantizeBackend,
                                quantize_backend)
from .temperature_scaling import (fit_checkpoint_temperature,
                                  save_temperature, temperature_report)
from .video import (open_video, open_writer, segment_frames, segment_video,
                    video_properties)

__all__ = [
    'find_images', 'init_segmentor', 'is_runtime_model',
    'runtime_model_config', 'segment_images',
    'init_mc_dropout_segmentor', 'save_uncertainty', 'check_onnx',
    'export_onnx', 'prepare_input', 'export_openvino',
    'quantize_int8_openvino', 'calibration_images', 'held_out_image',
    'int8_cpu_support', 'quantize_int8', 'QUANTIZE_BACKENDS',
    'QuantizeBackend', 'quantize_backend', 'fit_checkpoint_temperature',
    'save_temperature', 'temperature_report', 'open_video', 'open_writer',
    'segment_frames', 'segment_video', 'video_properties'
]
