"""Monte Carlo dropout inference (Bayesian SegNet): a config's model as
:class:`MCDropoutEncoderDecoder`, and uncertainty maps of image files."""
import inspect
import math
import os.path as osp
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Union

import cv2
import numpy as np
from mmengine.config import Config
from PIL import Image

from mmseg.apis import inference_model
from mmseg.models import BaseSegmentor
from mmseg.structures import SegDataSample
from ..models.segmentors import MCDropoutEncoderDecoder
from ..utils.config_edits import load_config
from ..utils.typing_utils import PathLike
from .inference import init_segmentor

# Segmentors that MCDropoutEncoderDecoder can stand in for.
MC_DROPOUT_TYPES = ('EncoderDecoder', 'MCDropoutEncoderDecoder')


def init_mc_dropout_segmentor(config: Union[PathLike, Config],
                              checkpoint: PathLike,
                              num_samples: Optional[int] = None,
                              device: str = 'cpu',
                              cfg_options: Optional[dict] = None
                              ) -> BaseSegmentor:
    """Build a config's model as :class:`MCDropoutEncoderDecoder`.

    Args:
        config (str | Path | Config): Config of an ``EncoderDecoder`` or
            ``MCDropoutEncoderDecoder`` with dropout layers.
        checkpoint (str | Path): Its weights.
        num_samples (int, optional): T, overriding the config's
            ``model.mc_samples`` (the class default, 16, when it has none).
        device (str): Default: 'cpu'.
        cfg_options (dict, optional): Config overrides. Default: None.

    Raises:
        ValueError: naming the model type if it is not one of
            ``MC_DROPOUT_TYPES``, or if T < 2.
    """
    cfg = load_config(config, cfg_options)
    if cfg.model.type not in MC_DROPOUT_TYPES:
        raise ValueError(f'model.type={cfg.model.type!r}: MC dropout works '
                         f'on {MC_DROPOUT_TYPES}')
    cfg.model.type = 'MCDropoutEncoderDecoder'
    if num_samples is not None:
        cfg.model.mc_samples = num_samples
    samples = cfg.model.setdefault(
        'mc_samples',
        inspect.signature(MCDropoutEncoderDecoder).parameters['mc_samples']
        .default)
    if samples < 2:
        raise ValueError(f'mc_samples={samples}: uncertainty needs >= 2 '
                         'dropout samples')
    return init_segmentor(cfg, checkpoint, device)


def uncertainty_maps(result: SegDataSample,
                     num_classes: int) -> Dict[str, np.ndarray]:
    """PNG-ready arrays of an :class:`MCDropoutEncoderDecoder` result.

    Returns:
        dict[str, np.ndarray]: ``pred`` uint8 class indices (H, W);
        ``entropy`` uint16, ``65535 * entropy / log K``; ``variance``
        uint16, ``65535 * variance * K**2 / (K - 1)`` (the class-averaged
        variance of K-class softmax samples is at most ``(K - 1) / K**2``).
    """
    def scaled(name: str, scale: float) -> np.ndarray:
        value = result.get(name).data[0].float().cpu().numpy() * scale
        return np.rint(np.clip(value, 0, 1) * 65535).astype(np.uint16)

    return dict(
        pred=result.pred_sem_seg.data[0].cpu().numpy().astype(np.uint8),
        entropy=scaled('entropy', 1 / math.log(num_classes)),
        variance=scaled('variance', num_classes**2 / (num_classes - 1)))


def save_uncertainty(model: BaseSegmentor, images: Sequence[str],
                     out_dir: PathLike) -> List[Dict[str, str]]:
    """Write ``<stem>_pred.png`` (class indices with the dataset palette),
    ``<stem>_entropy.png`` and ``<stem>_variance.png`` (16-bit, scaled as
    in :func:`uncertainty_maps`) per image.

    Args:
        model (BaseSegmentor): From :func:`init_mc_dropout_segmentor`.
        images (Sequence[str]): Image files.
        out_dir (str | Path): Output directory, created if missing.

    Returns:
        list[dict[str, str]]: The three paths per image.
    """
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    num_classes = len(model.dataset_meta['classes'])
    palette = np.asarray(model.dataset_meta['palette'], np.uint8).ravel()
    written = []
    for image in images:
        maps = uncertainty_maps(inference_model(model, image), num_classes)
        stem = osp.splitext(osp.basename(image))[0]
        paths = {k: osp.join(str(out_dir), f'{stem}_{k}.png') for k in maps}
        pred = Image.fromarray(maps['pred'])  # 'L'; putpalette makes it 'P'
        pred.putpalette(palette.tolist())
        pred.save(paths['pred'])
        for key in ('entropy', 'variance'):
            cv2.imwrite(paths[key], maps[key])
        written.append(paths)
    return written
