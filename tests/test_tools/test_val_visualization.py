"""mmseg's SegVisualizationHook drawing validation predictions during
training, switched on from the command line: ground truth and prediction
blended over the image in CamVid's palette."""
import mmcv
import numpy as np

from segnet_mm.datasets import CamVidDataset
from tests.utils import (SMALL_MODEL, build_camvid, data_options, run_tool,
                         short_schedule)

ALPHA = 0.8  # SegLocalVisualizer's default


def blends(image, colors):
    """``image`` (BGR) blended with each RGB colour as the visualizer
    blends a label's colour: (K, H, W, 3)."""
    bgr = np.asarray(colors, np.uint8)[:, None, None, ::-1]
    return (image * (1 - ALPHA) + bgr * ALPHA).astype(np.uint8)


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
    gt_half, pred_half = np.split(drawn, 2, axis=1)
    # Each labelled pixel: its ground-truth class's colour over the image
    # (class names are written over a few pixels); void: no colour.
    palette = CamVidDataset.METAINFO['palette']
    gt = build_camvid(camvid_root, 'val')[1]['gt_seg_map']
    assert (gt == 255).any() and (gt < 255).any()
    colored = blends(image, palette + [[0, 0, 0]])  # void: black
    rows, cols = np.indices(gt.shape)
    expected = colored[np.minimum(gt, 11), rows, cols]
    assert (gt_half == expected).all(-1).mean() > 0.9
    # Each predicted pixel: some class's colour over the image.
    painted = (blends(image, palette) == pred_half).all(-1).any(0)
    assert painted.mean() > 0.9
