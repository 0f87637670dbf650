"""demo/video_demo.py end to end on a video the test writes: output
size, frame rate and count; masks equal demo/image_demo.py's on the same
frames; the uncertainty panel; each bad input named before model work."""

import cv2
import numpy as np
import pytest

from segnet_mm.engine import cpu_has_bf16_hardware
from tests.data_utils import write_synthetic_camvid
from tests.utils import (BAYESIAN_CONFIG, CONFIG, SMALL_MODEL, run_tool,
                         save_small_checkpoint)

FPS, SIZE, FRAMES = 10.0, (64, 48), 5  # (W, H)


@pytest.fixture(scope='module')
def video(tmp_path_factory):
    """A 5-frame MJPG video of synthetic CamVid frames."""
    tmp = tmp_path_factory.mktemp('video')
    root = write_synthetic_camvid(tmp / 'camvid', splits=('test', ),
                                  num=FRAMES, size=SIZE[::-1])
    path = tmp / 'in.avi'
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*'MJPG'), FPS,
                             SIZE)
    for image in sorted((root / 'test').iterdir()):
        writer.write(cv2.imread(str(image)))
    writer.release()
    return path


def read_video(path):
    cap = cv2.VideoCapture(str(path))
    frames = []
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        frames.append(frame)
    fps = cap.get(cv2.CAP_PROP_FPS)
    cap.release()
    return frames, fps


def test_overlay_video_and_masks_match_demo(tmp_path, video):
    ckpt = save_small_checkpoint(tmp_path / 'small.pth')
    out = run_tool('demo/video_demo.py', video, CONFIG, ckpt, '--out',
                   tmp_path / 'out.mp4', '--fp32', '--batch', '2',
                   '--mask-dir', tmp_path / 'masks', '--cfg-options',
                   *SMALL_MODEL)
    assert f'{FRAMES} frames ({FRAMES} segmented)' in out
    assert 'frames/s' in out
    frames, fps = read_video(tmp_path / 'out.mp4')
    assert len(frames) == FRAMES and fps == pytest.approx(FPS)
    assert frames[0].shape == (SIZE[1], SIZE[0], 3)
    # The same decoded frames through demo/image_demo.py give the same masks.
    inputs, _ = read_video(video)
    (tmp_path / 'frames').mkdir()
    for i, frame in enumerate(inputs):
        cv2.imwrite(str(tmp_path / 'frames' / f'frame_{i:06d}.png'), frame)
    run_tool('demo/image_demo.py', tmp_path / 'frames', CONFIG, ckpt,
             '--out-dir', tmp_path / 'demo', '--cfg-options', *SMALL_MODEL)
    for i in range(FRAMES):
        name = f'frame_{i:06d}_mask.png'
        ours = cv2.imread(str(tmp_path / 'masks' / name))
        demo = cv2.imread(str(tmp_path / 'demo' / name))
        assert ours is not None and np.array_equal(ours, demo), name


def test_bf16_every_and_uncertainty_panel(tmp_path, video):
    ckpt = save_small_checkpoint(tmp_path / 'bayes.pth',
                                 config=BAYESIAN_CONFIG)
    out = run_tool('demo/video_demo.py', video, BAYESIAN_CONFIG, ckpt,
                   '--out', tmp_path / 'out.avi', '--uncertainty',
                   '--num-samples', '3', '--every', '2', '--cfg-options',
                   *SMALL_MODEL)
    assert f'{FRAMES} frames (3 segmented)' in out
    # bf16 only where the CPU computes it; emulated bf16 is ~100x slower.
    assert ('runs in fp32' in out) != cpu_has_bf16_hardware()
    frames, _ = read_video(tmp_path / 'out.avi')
    assert len(frames) == FRAMES
    assert frames[0].shape == (SIZE[1], 2 * SIZE[0], 3)  # overlay | entropy
    # An untrained model is unsure: the entropy panel is far from black.
    assert all(frame[:, SIZE[0]:].mean() > 60 for frame in frames)


@pytest.mark.parametrize('case', [
    'missing', 'not_a_video', 'camera', 'no_folder', 'extension'])
def test_bad_input_named_before_model_work(tmp_path, video, case):
    text = tmp_path / 'notes.mp4'
    text.write_text('not a video')
    source, out, message = {
        'missing': ('nope.mp4', 'o.mp4', 'no such video file: nope.mp4'),
        'not_a_video': (text, 'o.mp4', f'{text} is not a video'),
        'camera': ('7', 'o.mp4', 'camera 7 does not open'),
        'no_folder': (video, tmp_path / 'none' / 'o.mp4',
                      f'output folder {tmp_path / "none"} does not exist'),
        'extension': (video, tmp_path / 'o.gif', 'o.gif: the extension'),
    }[case]
    # The checkpoint does not exist: any model work would fail on it first.
    printed = run_tool('demo/video_demo.py', source, CONFIG,
                       tmp_path / 'no.pth', '--out', out, fails=True,
                       timeout=300)
    assert message in printed and 'no.pth' not in printed
