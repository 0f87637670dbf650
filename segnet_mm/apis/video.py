"""Video and camera inference: frames read with OpenCV, segmented in
batches by mmseg's ``inference_model`` (the same pre- and post-processing
as :func:`~segnet_mm.apis.segment_images`), written as an overlay video;
for a Monte Carlo dropout model (Bayesian SegNet) with the predictive
entropy as a colour map beside each overlay."""
import math
import os.path as osp
import time
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Iterator, List, Optional, Sequence, Tuple, Union

import cv2
import numpy as np
import torch
from mmengine.utils import ProgressBar, mkdir_or_exist

from mmseg.apis import inference_model
from mmseg.models import BaseSegmentor
from mmseg.structures import SegDataSample
from .inference import colorize

# Output extensions and the codec written for each.
VIDEO_CODECS = {'.mp4': 'mp4v', '.avi': 'MJPG'}
# Frame rate written when the source reports none (most cameras).
DEFAULT_FPS = 30.0


def open_video(source: Union[str, int]) -> cv2.VideoCapture:
    """Open a video file, or a camera by its index (``0`` or ``'0'``).

    Raises:
        FileNotFoundError: naming the path, if there is no such file.
        ValueError: naming the file, if OpenCV can not read it as a video.
        RuntimeError: naming the index, if the camera does not open.
    """
    if isinstance(source, int) or str(source).isdigit():
        cap = cv2.VideoCapture(int(source))
        if not cap.isOpened():
            raise RuntimeError(f'camera {source} does not open')
        return cap
    if not osp.isfile(source):
        raise FileNotFoundError(f'no such video file: {source}')
    cap = cv2.VideoCapture(source)
    if not cap.isOpened() or cap.get(cv2.CAP_PROP_FRAME_WIDTH) <= 0:
        cap.release()
        raise ValueError(f'{source} is not a video OpenCV can read')
    return cap


VideoProperties = Tuple[float, Tuple[int, int], int]


def video_properties(cap: cv2.VideoCapture) -> VideoProperties:
    """Frame rate (``DEFAULT_FPS`` where the source reports none), frame
    size (W, H), and frame count (0 where unknown, e.g. a camera)."""
    fps = cap.get(cv2.CAP_PROP_FPS)
    size = (int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)),
            int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)))
    count = max(int(cap.get(cv2.CAP_PROP_FRAME_COUNT)), 0)
    return (fps if fps and fps > 0 else DEFAULT_FPS), size, count


def open_writer(path: str, fps: float,
                size: Tuple[int, int]) -> cv2.VideoWriter:
    """A video writer for ``path``, its codec chosen by the extension.

    Raises:
        FileNotFoundError: naming the folder, if it does not exist.
        ValueError: naming the path, if its extension is not one of
            ``VIDEO_CODECS`` or OpenCV can not write it.
    """
    folder = osp.dirname(osp.abspath(path))
    if not osp.isdir(folder):
        raise FileNotFoundError(f'output folder {folder} does not exist')
    ext = osp.splitext(path)[1].lower()
    if ext not in VIDEO_CODECS:
        raise ValueError(f'can not write {path}: the extension must be one '
                         f'of {", ".join(VIDEO_CODECS)}')
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*VIDEO_CODECS[ext]),
                             fps, size)
    if not writer.isOpened():
        raise ValueError(f'OpenCV can not write {path} '
                         f'(codec {VIDEO_CODECS[ext]})')
    return writer


def read_frames(cap: cv2.VideoCapture) -> Iterator[np.ndarray]:
    """BGR frames until the video ends or a frame can not be decoded."""
    while True:
        ok, frame = cap.read()
        if not ok or frame is None:
            return
        yield frame


def segment_frames(model: BaseSegmentor, frames: Sequence[np.ndarray],
                   bf16: bool = False) -> List[SegDataSample]:
    """``inference_model`` on a batch of BGR frames, under CPU bf16
    autocast if ``bf16``."""
    context = torch.autocast('cpu', dtype=torch.bfloat16,
                             cache_enabled=False) if bf16 else nullcontext()
    with torch.no_grad(), context:
        return inference_model(model, list(frames))


def overlay(frame: np.ndarray, color: np.ndarray,
            opacity: float) -> np.ndarray:
    """A BGR colour mask painted over a BGR frame, blended as mmseg's
    ``SegLocalVisualizer`` blends it (``opacity`` = its ``alpha``)."""
    return (frame * (1 - opacity) + color * opacity).astype(np.uint8)


def entropy_panel(result: SegDataSample, num_classes: int) -> np.ndarray:
    """Predictive entropy of a Monte Carlo dropout result as a BGR colour
    map (inferno), 0 to log K scaled to the full range."""
    entropy = result.entropy.data[0].float().cpu().numpy()
    scaled = np.clip(entropy / math.log(num_classes), 0, 1) * 255
    return cv2.applyColorMap(scaled.astype(np.uint8), cv2.COLORMAP_INFERNO)


@dataclass
class VideoStats:
    """What :func:`segment_video` did."""
    frames: int  # frames read and written
    segmented: int  # frames the model ran on
    expected: int  # the source's frame count, 0 if unknown
    seconds: float

    @property
    def fps(self) -> float:
        """Frames read, segmented and written per second."""
        return self.frames / self.seconds if self.seconds else 0.0

    @property
    def ended_early(self) -> bool:
        """The source stopped (end, corrupt frame) before its count."""
        return 0 < self.expected and self.frames < self.expected


def segment_video(model: BaseSegmentor,
                  cap: cv2.VideoCapture,
                  writer: Optional[cv2.VideoWriter] = None,
                  opacity: float = 0.5,
                  batch: int = 4,
                  every: int = 1,
                  uncertainty: bool = False,
                  bf16: bool = False,
                  mask_dir: Optional[str] = None,
                  show: bool = False,
                  progress: bool = True) -> VideoStats:
    """Segment every ``every``-th frame of ``cap`` in batches of ``batch``
    and write each frame's overlay (skipped frames reuse the last
    prediction, so the output has every input frame).

    Args:
        model (BaseSegmentor): From ``init_segmentor`` (or
            ``init_mc_dropout_segmentor`` with ``uncertainty``).
        cap (cv2.VideoCapture): From :func:`open_video`.
        writer (cv2.VideoWriter, optional): From :func:`open_writer`, sized
            (W, H), or (2W, H) with ``uncertainty``.
        opacity (float): Of the painted prediction, (0, 1]. Default: 0.5.
        batch (int): Frames per forward pass. Default: 4.
        every (int): Segment every K-th frame. Default: 1.
        uncertainty (bool): Put the entropy map right of each overlay.
            Default: False.
        bf16 (bool): CPU bf16 autocast. Default: False.
        mask_dir (str, optional): Also write each segmented frame's colour
            mask, ``frame_<index>_mask.png`` (as ``demo/image_demo.py`` writes
            ``<name>_mask.png``). Default: None.
        show (bool): Show each output frame in a window. Default: False.
        progress (bool): Progress bar with frames/s. Default: True.

    Returns:
        VideoStats: frames written, segmented, the source's count, time.
        A source that ends early (or has a corrupt frame) stops the loop
        cleanly; what was written is kept.
    """
    if not 0 < opacity <= 1:
        raise ValueError(f'opacity must be in (0, 1], got {opacity}')
    if batch < 1 or every < 1:
        raise ValueError(f'batch and every must be >= 1, got {batch}, '
                         f'{every}')
    if mask_dir:
        mkdir_or_exist(mask_dir)
    palette = model.dataset_meta['palette']
    num_classes = len(model.dataset_meta['classes'])
    expected = video_properties(cap)[2]
    bar = ProgressBar(expected) if progress else None
    written = segmented = 0
    last = None  # (BGR mask, entropy panel) of the latest segmented frame
    start = time.perf_counter()

    def flush(pending: List[Tuple[int, np.ndarray]]) -> None:
        nonlocal written, segmented, last
        todo = [(i, f) for i, f in pending if i % every == 0]
        results = dict(zip(
            (i for i, _ in todo),
            segment_frames(model, [f for _, f in todo], bf16) if todo else []))
        segmented += len(todo)
        for index, frame in pending:
            if index in results:
                result = results[index]
                label = result.pred_sem_seg.data[0].cpu().numpy()
                color = colorize(label, palette)[..., ::-1]  # RGB -> BGR
                panel = entropy_panel(result, num_classes) \
                    if uncertainty else None
                last = (color, panel)
                if mask_dir:
                    cv2.imwrite(
                        osp.join(mask_dir, f'frame_{index:06d}_mask.png'),
                        color)
            out = overlay(frame, last[0], opacity)
            if uncertainty:
                out = np.concatenate([out, last[1]], axis=1)
            if writer is not None:
                writer.write(out)
            if show:
                cv2.imshow('segnet-mm', out)
                cv2.waitKey(1)
            written += 1
            if bar is not None:
                bar.update()

    pending = []
    to_segment = 0  # frames in ``pending`` the model will run on
    for index, frame in enumerate(read_frames(cap)):
        pending.append((index, frame))
        to_segment += index % every == 0
        if to_segment == batch:
            flush(pending)
            pending, to_segment = [], 0
    flush(pending)
    return VideoStats(written, segmented, expected,
                      time.perf_counter() - start)
