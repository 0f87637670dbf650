"""End-to-end: tools/train.py then tools/test.py through the real CLI."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

SPLITS = ('train', 'val', 'test')


def data_options(root, splits=SPLITS, val_split='val', test_split='test'):
    """--cfg-options pointing every dataloader at ``root``."""
    opts = []
    for loader, split in (('train', 'train'), ('val', val_split),
                          ('test', test_split)):
        key = f'{loader}_dataloader'
        opts += [
            f'{key}.dataset.data_root={root}',
            f'{key}.dataset.data_prefix.img_path={split}',
            f'{key}.dataset.data_prefix.seg_map_path={split}annot',
            f'{key}.num_workers=0', f'{key}.persistent_workers=False'
        ]
    return opts


def short_schedule(iters):
    return [
        f'train_cfg.max_iters={iters}', f'train_cfg.val_interval={iters}',
        f'default_hooks.checkpoint.interval={iters}',
        'default_hooks.logger.interval=1', 'param_scheduler.0.end=' + str(iters),
        'train_dataloader.batch_size=2'
    ]


def run_tool(*args, cwd=REPO_ROOT):
    proc = subprocess.run([sys.executable, *map(str, args)], cwd=cwd,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout + proc.stderr


def scalars(work_dir: Path):
    logs = sorted(work_dir.glob('*/vis_data/scalars.json'))
    assert logs, f'no json log under {work_dir}'
    return [json.loads(line) for line in logs[-1].read_text().splitlines()]


def train_and_test(tmp_path, root, config='configs/segnet_camvid.py',
                   extra=(), iters=2, val_split='val', test_split='test'):
    work_dir = tmp_path / 'work'
    opts = data_options(root, val_split=val_split, test_split=test_split)
    run_tool('tools/train.py', config, '--work-dir',
             work_dir, *extra, '--cfg-options', *opts, *short_schedule(iters))
    ckpt = work_dir / f'iter_{iters}.pth'
    assert ckpt.is_file()
    train_log = scalars(work_dir)
    assert any('loss' in r for r in train_log)
    assert any('mIoU' in r for r in train_log)
    out = run_tool('tools/test.py', config, ckpt, '--work-dir',
                   tmp_path / 'test', *extra, '--cfg-options', *opts)
    assert 'mIoU' in out and 'aAcc' in out and 'mAcc' in out
    assert 'mBFScore' in out
    return out


@pytest.mark.parametrize('config', [
    'configs/segnet_camvid.py', 'configs/segnet_camvid_cpu.py',
    'configs/segnet_camvid_cpu_yardstick.py'
])
def test_train_then_test_on_fixture(tmp_path, camvid_root, config):
    out = train_and_test(tmp_path, camvid_root, config)
    assert 'Sky' in out and 'Bicyclist' in out  # per-class table


def test_test_time_flip(tmp_path, camvid_root):
    opts = data_options(camvid_root)
    work_dir = tmp_path / 'work'
    run_tool('tools/train.py', 'configs/segnet_camvid.py', '--work-dir',
             work_dir, '--cfg-options', *opts, *short_schedule(1))
    out = run_tool('tools/test.py', 'configs/segnet_camvid.py',
                   work_dir / 'iter_1.pth', '--tta', '--work-dir',
                   tmp_path / 'test', '--cfg-options', *opts)
    assert 'mIoU' in out


def test_out_needs_an_iou_metric(tmp_path):
    config = tmp_path / 'bf_only.py'
    config.write_text(f"_base_ = ['{REPO_ROOT}/configs/segnet_camvid.py']\n"
                      "test_evaluator = [dict(type='BFScoreMetric')]\n")
    proc = subprocess.run([
        sys.executable, 'tools/test.py', config, tmp_path / 'unused.pth',
        '--out', tmp_path / 'out'
    ], cwd=REPO_ROOT, capture_output=True, text=True)
    assert proc.returncode != 0
    assert 'test_evaluator has no IoUMetric' in proc.stderr


def test_train_then_test_on_real_camvid(tmp_path, shared_camvid):
    """A handful of real 360x480 frames through both CLIs, with --amp."""
    subset = tmp_path / 'camvid'
    names = sorted(p.name for p in (shared_camvid / 'train').iterdir())[:4]
    for split in ('train', 'trainannot'):
        (subset / split).mkdir(parents=True)
        for name in names:
            (subset / split / name).symlink_to(shared_camvid / split / name)
    train_and_test(tmp_path, subset, extra=['--amp'], val_split='train',
                   test_split='train')


def test_mmseg_own_train_tool_runs_our_config(tmp_path, camvid_root):
    """`mim train mmsegmentation CONFIG` runs mmseg's tools/train.py: the
    config's custom_imports alone must register everything."""
    import mmseg
    tool = Path(mmseg.__file__).parent / '.mim' / 'tools' / 'train.py'
    if not tool.is_file():
        pytest.skip(f'mmseg ships no tools/train.py at {tool}')
    work_dir = tmp_path / 'work'
    run_tool(tool, REPO_ROOT / 'configs/segnet_camvid.py', '--work-dir',
             work_dir, '--cfg-options', *data_options(camvid_root),
             *short_schedule(2))
    assert (work_dir / 'iter_2.pth').is_file()
