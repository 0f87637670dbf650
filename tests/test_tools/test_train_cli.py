"""tools/train.py through its command line: train a config with the
tests' small SegNet, then score the checkpoint with tools/test.py (the full
SegNet is built and counted in tests/test_models; the CPU recipe's trains
in test_benchmark_configs.py); its run options; mmseg's own train tool on
our config."""
import os
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from segnet_mm.engine import cpu_has_bf16_hardware
from tests.utils import (FP32_WHERE_BF16_IS_EMULATED, SMALL_MODEL,
                         data_options, load_tool, run_tool, scalars,
                         short_schedule)


def train_and_test(tmp_path, root, config='configs/segnet_camvid.py',
                   extra=(), iters=2, val_split='val', test_split='test'):
    work_dir = tmp_path / 'work'
    opts = data_options(root, val_split=val_split, test_split=test_split) + \
        SMALL_MODEL + FP32_WHERE_BF16_IS_EMULATED
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


def test_train_then_test_on_real_camvid(tmp_path, shared_camvid):
    """A handful of real 360x480 frames through both CLIs, with --amp
    where the CPU computes bf16 natively."""
    subset = tmp_path / 'camvid'
    names = sorted(p.name for p in (shared_camvid / 'train').iterdir())[:4]
    for split in ('train', 'trainannot'):
        (subset / split).mkdir(parents=True)
        for name in names:
            (subset / split / name).symlink_to(shared_camvid / split / name)
    amp = ['--amp'] if cpu_has_bf16_hardware() else []
    train_and_test(tmp_path, subset, extra=amp, val_split='train',
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
             *SMALL_MODEL, *short_schedule(2))
    assert (work_dir / 'iter_2.pth').is_file()


@pytest.mark.parametrize('tool, positional', [
    ('tools/train.py', ['c.py']), ('tools/test.py', ['c.py', 'w.pth'])])
@pytest.mark.parametrize('launcher_rank, local_rank',
                         [(None, '3'), ('1', '1')])
def test_run_options_pass_the_local_rank_on(monkeypatch, tool, positional,
                                            launcher_rank, local_rank):
    """tools/train.py's and tools/test.py's run options (mmseg's, in each
    tool): --amp, --launcher, --cfg-options, and --local-rank, which becomes
    LOCAL_RANK unless the launcher set it."""
    # Set first, so that monkeypatch restores the environment afterwards.
    monkeypatch.setenv('LOCAL_RANK', launcher_rank or '0')
    if launcher_rank is None:
        monkeypatch.delenv('LOCAL_RANK')
    monkeypatch.setattr(sys, 'argv', [
        tool, *positional, '--amp', '--launcher', 'pytorch', '--local-rank',
        '3', '--cfg-options', 'a=1'
    ])
    args = load_tool(tool).parse_args()
    assert args.amp and args.launcher == 'pytorch'
    assert args.cfg_options == {'a': 1}
    assert os.environ['LOCAL_RANK'] == local_rank
