"""Plotting curves from mmengine's scalars.json files and work dirs."""
import cv2
import pytest

from segnet_mm.visualization import plot_curves, run_label
from tests.utils import TRAIN, VAL, write_log


@pytest.fixture
def log(tmp_path):
    return write_log(tmp_path / 'work' / '20260101_000000' / 'vis_data' /
                     'scalars.json',
                     [TRAIN[0], TRAIN[1], VAL[0], TRAIN[2], VAL[1]])


def test_plot_curves_writes_png(tmp_path, log):
    other = write_log(tmp_path / 'other.json', TRAIN[:2])
    out = tmp_path / 'figs' / 'curves.png'
    drawn = plot_curves([log, other], ['loss', 'mIoU'], out)
    label = str(tmp_path / 'work' / '20260101_000000')
    assert run_label(log) == label and run_label(other) == str(other)
    assert drawn['loss'] == {
        label: ([10, 20, 30], [2.5, 2.0, 1.5]),
        str(other): ([10, 20], [2.5, 2.0])
    }
    assert drawn['mIoU'] == {label: ([20, 30], [20.5, 31.25])}
    image = cv2.imread(str(out))
    assert image is not None and image.shape == (700, 1100, 3)
    assert image.std() > 0
    with pytest.raises(KeyError, match="'mDice' is not logged"):
        plot_curves([log], ['mDice'], tmp_path / 'none.png')
    assert not (tmp_path / 'none.png').exists()


def test_plot_curves_draws_a_work_dir_as_one_line(tmp_path):
    work_dir = tmp_path / 'work'
    write_log(work_dir / '20260101_000000' / 'vis_data' / 'scalars.json',
              TRAIN[:2])
    write_log(work_dir / '20260101_010000' / 'vis_data' / 'scalars.json',
              TRAIN[2:])
    drawn = plot_curves([work_dir], ['loss'], tmp_path / 'run.png')
    assert drawn['loss'] == {str(work_dir): ([10, 20, 30], [2.5, 2.0, 1.5])}
