from .inference import (colorize, dataset_meta_from_config, find_images,
                        init_segmentor, save_prediction, segment_images)
from .mc_dropout import (init_mc_dropout_segmentor, mc_dropout_predict,
                         save_uncertainty, uncertainty_maps)
from .onnx_export import OnnxCheck, check_onnx, export_onnx, prepare_input
from .video import (VideoStats, open_video, open_writer, read_frames,
                    segment_frames, segment_video, video_properties)

__all__ = [
    'colorize', 'dataset_meta_from_config', 'find_images', 'init_segmentor',
    'save_prediction', 'segment_images', 'OnnxCheck', 'check_onnx',
    'export_onnx', 'prepare_input', 'mc_dropout_predict',
    'init_mc_dropout_segmentor', 'save_uncertainty', 'uncertainty_maps',
    'VideoStats', 'open_video', 'open_writer', 'read_frames',
    'segment_frames', 'segment_video', 'video_properties'
]
