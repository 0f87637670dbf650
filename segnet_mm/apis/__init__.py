from .inference import (colorize, dataset_meta_from_config, find_images,
                        init_onnx_segmentor, init_segmentor, is_onnx_model,
                        onnx_model_config, save_prediction, segment_images)
from .mc_dropout import (init_mc_dropout_segmentor, mc_dropout_predict,
                         save_uncertainty, uncertainty_maps)
from .onnx_export import OnnxCheck, check_onnx, export_onnx, prepare_input
from .quantization import (CpuInfo, Int8Support, calibration_images,
                           held_out_image, int8_cpu_support, quantize_int8,
                           read_cpuinfo)
from .temperature_scaling import (fit_checkpoint_temperature,
                                  save_temperature, split_logits,
                                  temperature_report, temperature_usage)
from .video import (VideoStats, open_video, open_writer, read_frames,
                    segment_frames, segment_video, video_properties)

__all__ = [
    'colorize', 'dataset_meta_from_config', 'find_images', 'init_segmentor',
    'init_onnx_segmentor', 'is_onnx_model', 'onnx_model_config',
    'CpuInfo', 'Int8Support', 'calibration_images', 'held_out_image',
    'int8_cpu_support', 'quantize_int8', 'read_cpuinfo',
    'save_prediction', 'segment_images', 'OnnxCheck', 'check_onnx',
    'export_onnx', 'prepare_input', 'fit_checkpoint_temperature',
    'save_temperature', 'split_logits', 'temperature_report',
    'temperature_usage', 'mc_dropout_predict',
    'init_mc_dropout_segmentor', 'save_uncertainty', 'uncertainty_maps',
    'VideoStats', 'open_video', 'open_writer', 'read_frames',
    'segment_frames', 'segment_video', 'video_properties'
]
