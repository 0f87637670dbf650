"""Video inference API: opening sources and outputs, batching, frame
skipping (each frame painted with the latest prediction), the overlay's
blend and the entropy colour map, and a source that ends before its
frame count."""
import math

import cv2
import numpy as np
import pytest
import torch
from mmengine.structures import PixelData

from mmseg.structures import SegDataSample
from segnet_mm.apis import init_segmentor, segment_frames, segment_video
from segnet_mm.apis.inference import colorize
from segnet_mm.apis.video import (entropy_panel, open_video, open_writer,
                                  overlay)
from tests.utils import SMALL_MODEL, CONFIG, cfg_options, save_small_checkpoint


class FakeCapture:
    """A source that claims ``count`` frames but decodes only ``good``."""

    def __init__(self, count=5, good=3, size=(64, 48)):
        self.count, self.good, self.size, self.read_frames = count, good, \
            size, 0

    def get(self, prop):
        return {cv2.CAP_PROP_FPS: 10.0, cv2.CAP_PROP_FRAME_WIDTH: self.size[0],
                cv2.CAP_PROP_FRAME_HEIGHT: self.size[1],
                cv2.CAP_PROP_FRAME_COUNT: self.count}[prop]

    def read(self):
        if self.read_frames >= self.good:
            return False, None
        self.read_frames += 1
        rng = np.random.default_rng(self.read_frames)
        return True, rng.integers(0, 255, (self.size[1], self.size[0], 3),
                                  dtype=np.uint8)


class ListWriter:

    def __init__(self):
        self.frames = []

    def write(self, frame):
        self.frames.append(frame)


@pytest.fixture(scope='module')
def model(tmp_path_factory):
    ckpt = save_small_checkpoint(tmp_path_factory.mktemp('ckpt') / 's.pth')
    return init_segmentor(CONFIG, ckpt, 'cpu', cfg_options(SMALL_MODEL))


def test_source_ending_early_keeps_what_was_written(model):
    writer = ListWriter()
    stats = segment_video(model, FakeCapture(count=5, good=3), writer,
                          batch=2, progress=False)
    assert (stats.frames, stats.segmented, stats.expected) == (3, 3, 5)
    assert stats.ended_early and len(writer.frames) == 3
    assert writer.frames[0].shape == (48, 64, 3)


def test_every_k_reuses_the_last_prediction(model, tmp_path):
    writer = ListWriter()
    stats = segment_video(model, FakeCapture(count=7, good=7), writer,
                          batch=2, every=3, mask_dir=str(tmp_path),
                          progress=False)
    assert (stats.frames, stats.segmented) == (7, 3)
    assert not stats.ended_early and len(writer.frames) == 7
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        'frame_000000_mask.png', 'frame_000003_mask.png',
        'frame_000006_mask.png'
    ]


def blend(frame, color, opacity):
    return (frame * (1 - opacity) + color * opacity).astype(np.uint8)


def test_overlay_blends_frame_and_mask():
    frame = np.array([[[200, 0, 100], [50, 255, 10]]], dtype=np.uint8)
    color = np.array([[[0, 100, 100], [250, 5, 30]]], dtype=np.uint8)
    assert np.array_equal(
        overlay(frame, color, 0.25),
        np.array([[[150, 25, 100], [100, 192, 15]]], dtype=np.uint8))
    assert np.array_equal(overlay(frame, color, 1.), color)


def test_entropy_panel_maps_zero_to_log_k_onto_inferno():
    num_classes = 11
    entropy = torch.tensor([[0., 0.5, 1., 2.]]) * math.log(num_classes)
    result = SegDataSample(entropy=PixelData(data=entropy[None]))
    panel = entropy_panel(result, num_classes)
    inferno = cv2.applyColorMap(
        np.arange(256, dtype=np.uint8)[None], cv2.COLORMAP_INFERNO)[0]
    assert panel.shape == (1, 4, 3)
    assert np.array_equal(panel[0], inferno[[0, 127, 255, 255]])
    # inferno runs from near black to bright yellow
    assert panel[0, 0].sum() < 50 and panel[0, 2].sum() > 600


def test_every_k_overlays_the_latest_prediction(model, tmp_path):
    writer, opacity = ListWriter(), 0.3
    segment_video(model, FakeCapture(count=7, good=7), writer, batch=2,
                  every=3, opacity=opacity, mask_dir=str(tmp_path),
                  progress=False)
    cap, frames = FakeCapture(count=7, good=7), []
    for _ in range(7):
        frames.append(cap.read()[1])
    results = segment_frames(model, frames[::3])
    palette = model.dataset_meta['palette']
    masks = [
        colorize(r.pred_sem_seg.data[0].numpy(), palette)[..., ::-1]
        for r in results
    ]
    assert not np.array_equal(masks[0], masks[1])
    assert not np.array_equal(masks[1], masks[2])
    for index, frame in enumerate(frames):
        mask = masks[index // 3]
        assert np.array_equal(writer.frames[index],
                              blend(frame, mask, opacity)), index
    for index, mask in zip((0, 3, 6), masks):
        saved = cv2.imread(str(tmp_path / f'frame_{index:06d}_mask.png'))
        assert np.array_equal(saved, mask), index


def test_bad_arguments(model):
    with pytest.raises(ValueError, match='opacity'):
        segment_video(model, FakeCapture(), opacity=0)
    with pytest.raises(ValueError, match='batch and every'):
        segment_video(model, FakeCapture(), every=0)


def test_open_errors_name_the_input(tmp_path):
    with pytest.raises(FileNotFoundError, match='no such video file: nope'):
        open_video('nope.mp4')
    text = tmp_path / 'notes.mp4'
    text.write_text('not a video')
    with pytest.raises(ValueError, match=f'{text} is not a video'):
        open_video(str(text))
    with pytest.raises(RuntimeError, match='camera 9 does not open'):
        open_video('9')
    with pytest.raises(FileNotFoundError, match='output folder .*missing'):
        open_writer(str(tmp_path / 'missing' / 'out.mp4'), 10, (64, 48))
    with pytest.raises(ValueError, match=r'out\.gif: the extension'):
        open_writer(str(tmp_path / 'out.gif'), 10, (64, 48))
