from .inference import (find_images, init_segmentor, is_onnx_model,
                        onnx_model_config, segment_images)
from .mc_dropout import init_mc_dropout_segmentor, save_uncertainty
from .onnx_export import check_onnx, export_onnx, prepare_input
from .quantization import (calibration_images, held_out_image,
                           int8_cpu_support, quantize_int8)
from .temperature_scaling import (fit_checkpoint_temperature,
                                  save_temperature, temperature_report)
from .video import (open_video, open_writer, segment_frames, segment_video,
                    video_properties)

__all__ = [
    'find_images', 'init_segmentor', 'is_onnx_model', 'onnx_model_config',
    'segment_images', 'init_mc_dropout_segmentor', 'save_uncertainty',
    'check_onnx', 'export_onnx', 'prepare_input', 'calibration_images',
    'held_out_image', 'int8_cpu_support', 'quantize_int8',
    'fit_checkpoint_temperature', 'save_temperature', 'temperature_report',
    'open_video', 'open_writer', 'segment_frames', 'segment_video',
    'video_properties'
]
