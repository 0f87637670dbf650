from ..utils.image_files import find_images
from .inference import init_segmentor, segment_images
from .mc_dropout import init_mc_dropout_segmentor, save_uncertainty
from .video import segment_frames, segment_video

__all__ = [
    'find_images', 'init_segmentor', 'segment_images',
    'init_mc_dropout_segmentor', 'save_uncertainty', 'segment_frames',
    'segment_video'
]
