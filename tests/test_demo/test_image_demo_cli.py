"""demo/image_demo.py through the real CLI."""

import mmcv

from tests.utils import SMALL_MODEL, run_tool
from tests.utils import save_small_checkpoint


def test_demo_on_folder_and_single_image(tmp_path, camvid_root):
    ckpt = save_small_checkpoint(tmp_path / 'small.pth')
    out = run_tool('demo/image_demo.py', camvid_root / 'val',
                   'configs/segnet_camvid.py', ckpt, '--out-dir',
                   tmp_path / 'out', '--opacity', '0.7', '--cfg-options',
                   *SMALL_MODEL)
    assert '4/4' in out  # the progress bar
    for i in range(4):
        image = mmcv.imread(str(camvid_root / 'val' / f'val_{i:03d}.png'))
        for kind in ('mask', 'overlay'):
            written = mmcv.imread(str(tmp_path / 'out' /
                                      f'val_{i:03d}_{kind}.png'))
            assert written.shape == image.shape, kind

    run_tool('demo/image_demo.py', camvid_root / 'test' / 'test_001.png',
             'configs/segnet_camvid.py', ckpt, '--out-dir', tmp_path / 'one',
             '--cfg-options', *SMALL_MODEL)
    assert sorted(p.name for p in (tmp_path / 'one').iterdir()) == [
        'test_001_mask.png', 'test_001_overlay.png'
    ]


def test_demo_names_a_folder_without_images(tmp_path):
    empty = tmp_path / 'empty'
    empty.mkdir()
    printed = run_tool('demo/image_demo.py', empty, 'configs/segnet_camvid.py',
                       'unused.pth', '--out-dir', tmp_path / 'out',
                       fails=True)
    assert 'FileNotFoundError: no images' in printed
    assert str(empty) in printed
