"""mmseg's SegVisualizationHook drawing validation predictions during
training, switched on from the command line."""
import mmcv
import numpy as np

from tests.utils import SMALL_MODEL, data_options, run_tool, short_schedule

VIS_OPTIONS = [
    'default_hooks.visualization.draw=True',
    'default_hooks.visualization.interval=2'
]


def test_validation_writes_painted_predictions(tmp_path, camvid_root):
    work_dir = tmp_path / 'work'
    run_tool('tools/train.py', 'configs/segnet_camvid.py', '--work-dir',
             work_dir, '--cfg-options', *data_options(camvid_root),
             *SMALL_MODEL, *short_schedule(1), *VIS_OPTIONS)
    vis_dirs = list(work_dir.glob('*/vis_data/vis_image'))
    assert len(vis_dirs) == 1
    painted = sorted(p.name for p in vis_dirs[0].iterdir())
    # Every 2nd of the 4 val images, drawn at iteration 1.
    assert painted == ['val_val_001.png_1.png', 'val_val_003.png_1.png']
    image = mmcv.imread(str(camvid_root / 'val' / 'val_001.png'))
    drawn = mmcv.imread(str(vis_dirs[0] / painted[0]))
    # Ground truth and prediction side by side.
    assert drawn.shape == (image.shape[0], 2 * image.shape[1], 3)
    assert not np.array_equal(drawn[:, :image.shape[1]], image)
