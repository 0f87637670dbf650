from ..utils.image_files import find_images
from .inference import (init_segmentor, is_runtime_model,
                        runtime_model_config, segment_images)
from .mc_dropout import init_mc_dropout_segmentor, save_uncertainty
from .temperature_scaling import (fit_checkpoint_temperature,
                                  save_temperature, temperature_report)
from .video import (open_video, open_writer, segment_frames, segment_video,
                    video_properties)

__all__ = [
    'find_images', 'init_segmentor', 'is_runtime_model',
    'runtime_model_config', 'segment_images',
    'init_mc_dropout_segmentor', 'save_uncertainty',
    'fit_checkpoint_temperature', 'save_temperature', 'temperature_report',
    'open_video', 'open_writer', 'segment_frames', 'segment_video',
    'video_properties'
]
