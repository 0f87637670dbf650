"""End-to-end: tools/train.py then tools/test.py through the real CLI,
each config with the tests' small SegNet (the full SegNet is built and
counted in tests/test_models; the CPU recipe's trains in
test_benchmark_configs.py)."""
from pathlib import Path

import mmcv
import pytest
from mmengine.config import Config

from tests.conftest import REPO_ROOT
from segnet_mm.engine import cpu_has_bf16_hardware
from tests.utils import (FP32_WHERE_BF16_IS_EMULATED, SMALL_MODEL,
                         data_options, run_tool,
                         save_small_checkpoint, scalars,
                         sharpened_bayesian_checkpoint, short_schedule,
                         write_bayesian_config)


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


def test_test_time_flip(tmp_path, camvid_root):
    """--tta builds mmseg's SegTTAModel over the flipped views, and its
    label maps are not the single-scale ones."""
    opts = data_options(camvid_root) + SMALL_MODEL
    ckpt = save_small_checkpoint(tmp_path / 'small.pth')
    maps = {}
    for name, extra in (('single', []), ('flip', ['--tta'])):
        out = run_tool('tools/test.py', 'configs/segnet_camvid.py',
                       ckpt, *extra, '--work-dir',
                       tmp_path / name, '--out', tmp_path / f'{name}_maps',
                       '--cfg-options', *opts)
        assert 'mIoU' in out
        dumped = next((tmp_path / name).glob('*/vis_data/config.py'))
        model = Config.fromfile(dumped).model.type
        assert model == ('SegTTAModel' if extra else 'EncoderDecoder')
        maps[name] = {p.name: mmcv.imread(p, 'unchanged')
                      for p in (tmp_path / f'{name}_maps').glob('*.png')}
    assert maps['single'].keys() == maps['flip'].keys() and maps['flip']
    assert any((maps['single'][k] != maps['flip'][k]).any()
               for k in maps['flip'])


def test_out_needs_an_iou_metric(tmp_path):
    config = tmp_path / 'bf_only.py'
    config.write_text(f"_base_ = ['{REPO_ROOT}/configs/segnet_camvid.py']\n"
                      "test_evaluator = [dict(type='BFScoreMetric')]\n")
    printed = run_tool('tools/test.py', config, tmp_path / 'unused.pth',
                       '--out', tmp_path / 'out', fails=True)
    assert 'test_evaluator has no IoUMetric' in printed


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


def test_tools_test_runs_mc_dropout_with_bf_score(tmp_path, camvid_root):
    ckpt = sharpened_bayesian_checkpoint(tmp_path / 'tiny.pth')
    config = write_bayesian_config(tmp_path / 'bayesian_bf.py',
                                   'BFScoreMetric', mc_samples=2)
    out = run_tool('tools/test.py', config, ckpt, '--work-dir',
                   tmp_path / 'work', '--cfg-options', *SMALL_MODEL,
                   *data_options(camvid_root))
    assert 'mIoU' in out and 'mBFScore' in out and 'iBFScore' in out
    assert 'per class BF score' in out
