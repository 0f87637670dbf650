"""Single-image inference and painting on top of mmseg's ``init_model`` /
``inference_model`` and ``SegLocalVisualizer``.

mmseg's ``init_model`` guesses classes and palette from ``num_classes``
when a checkpoint has no ``dataset_meta`` (CamVid's 11 classes match no
mmseg dataset, so it falls back to Cityscapes' 19 colours).
:func:`init_segmentor` takes them from the checkpoint or, failing that,
from the dataset class named in the config, and raises when neither has
them.
"""
import os.path as osp
from pathlib import Path
from typing import List, Optional, Sequence, Tuple, Union

import mmcv
import numpy as np
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import load_checkpoint
from mmengine.utils import mkdir_or_exist, track_iter_progress

from mmseg.apis import inference_model, init_model
from mmseg.models import BaseSegmentor
from mmseg.registry import DATASETS, MODELS
from mmseg.structures import SegDataSample
from mmseg.visualization import SegLocalVisualizer
from ..engine.checkpoint import enable_safe_checkpoints
from ..deployment.runtime_segmentor import (runtime_model_type,
                                            runtime_segmentor_cfg)
from ..utils.config_checks import dataset_classes
from ..utils.config_edits import load_config
from ..utils.typing_utils import PathLike


def dataset_meta_from_config(cfg: Config) -> dict:
    """Classes and palette of the config's test dataset: its
    ``metainfo`` override (a class subset keeps those classes' colours),
    else its class's ``METAINFO``.

    Raises:
        ValueError: naming the dataset type if neither gives classes and a
            palette for them.
    """
    dataset = cfg.test_dataloader.dataset
    dataset_type = dataset.type
    meta = getattr(DATASETS.get(dataset_type), 'METAINFO', None) or {}
    classes = dataset_classes(dataset) or ()
    palette = (dataset.get('metainfo') or {}).get('palette')
    if palette is None and classes and set(classes) <= set(
            meta.get('classes', ())) and 'palette' in meta:
        palette = [meta['palette'][meta['classes'].index(c)] for c in classes]
    if not classes or palette is None:
        raise ValueError(
            f'test_dataloader.dataset.type={dataset_type!r} and its metainfo '
            'give no classes with a palette, and the checkpoint has no '
            'meta.dataset_meta: nothing to colour the classes with')
    return dict(classes=classes, palette=[list(c) for c in palette])


def init_segmentor(config: Union[PathLike, Config],
                   checkpoint: PathLike,
                   device: str = 'cpu',
                   cfg_options: Optional[dict] = None) -> BaseSegmentor:
    """Build a segmentor in eval mode with its weights, classes and palette.

    Args:
        config (str | Path | Config): Config file or object.
        checkpoint (str | Path): Checkpoint file, or an ``.onnx`` model
            (e.g. ``tools/deployment/quantize.py``'s int8 one) or an
            OpenVINO ``.xml`` (``quantize.py --backend openvino``), run on
            the CPU with the config's preprocessing
            (:class:`ONNXRuntimeSegmentor`, :class:`OpenVINOSegmentor`).
        device (str): Device to put the model on. Default: 'cpu'.
        cfg_options (dict, optional): Overrides merged into the config.
            Default: None.

    Returns:
        BaseSegmentor: The model, with ``cfg`` and ``dataset_meta`` set
        (``meta.dataset_meta`` of the checkpoint, else the config's test
        dataset ``METAINFO``).

    Raises:
        RuntimeError: naming the checkpoint and the config if the weights do
            not fit the config's model.
    """
    if is_runtime_model(checkpoint):
        return init_runtime_segmentor(config, checkpoint, cfg_options)
    model = init_model(
        str(config) if isinstance(config, Path) else config,
        None,
        device=device,
        cfg_options=cfg_options)
    ckpt = load_weights(model, checkpoint, config)
    meta = ckpt.get('meta', {}).get('dataset_meta')
    model.dataset_meta = (
        dict(classes=tuple(meta['classes']), palette=list(meta['palette']))
        if meta else dataset_meta_from_config(model.cfg))
    return model


def load_weights(model: BaseSegmentor, checkpoint: PathLike,
                 config: Union[PathLike, Config]) -> dict:
    """Load ``checkpoint`` into ``model`` (built from ``config``), every
    key of each matching, on the CPU; returns the checkpoint.

    Raises:
        RuntimeError: naming the checkpoint and the config if the weights do
            not fit the model.
    """
    enable_safe_checkpoints()
    try:
        return load_checkpoint(
            model, str(checkpoint), map_location='cpu', strict=True)
    except RuntimeError as err:
        raise RuntimeError(f'checkpoint {checkpoint} does not fit the model '
                           f'of {config}: {err}') from err


def is_runtime_model(checkpoint: PathLike) -> bool:
    """Whether ``checkpoint`` names a deployed model (an ONNX file, an
    OpenVINO ``.xml``: ``RUNTIME_MODELS``) rather than weights."""
    return runtime_model_type(str(checkpoint)) is not None


def runtime_model_config(cfg: Config, model_file: PathLike) -> Config:
    """``cfg`` with its model replaced by the segmentor that runs
    ``model_file`` (:class:`ONNXRuntimeSegmentor` for an ``.onnx``,
    :class:`OpenVINOSegmentor` for an ``.xml``), which keeps the config's
    ``data_preprocessor`` and checks it and the test dataset's classes
    against those the file was exported with (what ``tools/test.py`` does
    with such a file in place of a checkpoint).

    Raises:
        FileNotFoundError: naming ``model_file`` if it does not exist.
    """
    if not osp.isfile(model_file):
        raise FileNotFoundError(f'model {model_file} can not be found')
    cfg.model = runtime_segmentor_cfg(
        str(model_file), dataset_meta_from_config(cfg)['classes'],
        cfg.model.data_preprocessor)
    cfg.load_from = None
    return cfg


def init_runtime_segmentor(config: Union[PathLike, Config],
                           model_file: PathLike,
                           cfg_options: Optional[dict] = None
                           ) -> BaseSegmentor:
    """The segmentor on a deployed ``model_file`` (an ``.onnx`` or an
    OpenVINO ``.xml``) with the config's preprocessing, test pipeline,
    classes and palette (CPU only)."""
    cfg = load_config(config, cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    model = MODELS.build(runtime_model_config(cfg, model_file).model).eval()
    model.cfg = cfg
    model.dataset_meta = dataset_meta_from_config(cfg)
    return model


def colorize(label: np.ndarray,
             palette: Sequence[Sequence[int]]) -> np.ndarray:
    """Paint a label map (H, W) with ``palette``; returns RGB (H, W, 3) uint8.

    Raises:
        ValueError: if a label has no palette entry.
    """
    colors = np.asarray(palette, dtype=np.uint8)
    if label.size and label.max() >= len(colors):
        raise ValueError(f'label {label.max()} has no colour in a palette of '
                         f'{len(colors)} entries')
    return colors[label]


def save_prediction(image_path: str,
                    result: SegDataSample,
                    visualizer: SegLocalVisualizer,
                    out_dir: PathLike,
                    with_labels: bool = False) -> Tuple[str, str]:
    """Write ``<stem>_mask.png`` (colour-coded prediction) and
    ``<stem>_overlay.png`` (prediction over the image) to ``out_dir``.

    Args:
        image_path (str): The image the prediction is for.
        result (SegDataSample): ``inference_model``'s output for it.
        visualizer (SegLocalVisualizer): Painter holding the dataset meta and
            opacity (``alpha``).
        out_dir (str | Path): Output directory (must exist).
        with_labels (bool): Write class names on the overlay. Default: False.

    Returns:
        tuple[str, str]: Paths of the mask and the overlay.
    """
    stem = osp.splitext(osp.basename(image_path))[0]
    mask_file = osp.join(str(out_dir), f'{stem}_mask.png')
    overlay_file = osp.join(str(out_dir), f'{stem}_overlay.png')
    label = result.pred_sem_seg.data[0].cpu().numpy()
    mask = colorize(label, visualizer.dataset_meta['palette'])
    mmcv.imwrite(mmcv.rgb2bgr(mask), mask_file)
    visualizer.add_datasample(
        stem,
        mmcv.imread(image_path, channel_order='rgb'),
        result,
        draw_gt=False,
        draw_pred=True,
        with_labels=with_labels,
        out_file=overlay_file)
    return mask_file, overlay_file


def segment_images(model: BaseSegmentor,
                   images: Sequence[str],
                   out_dir: PathLike,
                   opacity: float = 0.5,
                   with_labels: bool = False) -> List[Tuple[str, str]]:
    """Run ``inference_model`` on each image and save mask + overlay.

    Shows a progress bar when there is more than one image.

    Args:
        model (BaseSegmentor): From :func:`init_segmentor`.
        images (Sequence[str]): Image files.
        out_dir (str | Path): Output directory, created if missing.
        opacity (float): Overlay opacity in (0, 1]. Default: 0.5.
        with_labels (bool): Write class names on the overlays.
            Default: False.

    Returns:
        list[tuple[str, str]]: (mask, overlay) paths per image.
    """
    if not 0 < opacity <= 1:
        raise ValueError(f'opacity must be in (0, 1], got {opacity}')
    mkdir_or_exist(str(out_dir))
    visualizer = SegLocalVisualizer(name='segnet_demo', alpha=opacity)
    # By keyword: mmseg 1.2.2's __init__ passes classes and palette to
    # set_dataset_meta positionally in swapped order.
    visualizer.set_dataset_meta(
        classes=model.dataset_meta['classes'],
        palette=model.dataset_meta['palette'])
    images = list(images)
    progress = track_iter_progress(images) if len(images) > 1 else images
    return [
        save_prediction(image, inference_model(model, image), visualizer,
                        out_dir, with_labels) for image in progress
    ]
