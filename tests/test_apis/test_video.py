"""Video inference API: opening sources and outputs, batching, frame
skipping, and a source that ends before its frame count."""
import cv2
import numpy as np
import pytest

from segnet_mm.apis import (init_segmentor, open_video, open_writer,
                            segment_video)
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
