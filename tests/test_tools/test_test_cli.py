"""tools/test.py through its command line: flip TTA (and what it says
when it drops CalibrationMetric), --out's label maps, an MC-dropout model
with the BF score."""
import sys

import mmcv
from mmengine.config import Config

from tests.conftest import REPO_ROOT
from tests.utils import (SMALL_MODEL, data_options, load_tool, run_tool,
                         save_small_checkpoint, sharpened_bayesian_checkpoint,
                         write_bayesian_config)


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


def test_tta_says_calibration_metric_is_dropped(monkeypatch, capsys,
                                                tmp_path):
    tool = load_tool('tools/test.py')
    built = []

    class Runner:

        @staticmethod
        def from_cfg(cfg):
            built.append(cfg)
            return Runner()

        def test(self):
            pass

    monkeypatch.setattr(tool, 'Runner', Runner)
    monkeypatch.setattr(sys, 'argv', [
        'tools/test.py', 'configs/segnet-basic_camvid.py', 'w.pth', '--tta',
        '--work-dir', str(tmp_path)
    ])
    tool.main()
    assert 'CalibrationMetric dropped' in capsys.readouterr().out
    assert [e.type for e in built[0].test_evaluator] == [
        'ClassIoUMetric', 'BFScoreMetric']


def test_out_needs_an_iou_metric(tmp_path):
    config = tmp_path / 'bf_only.py'
    config.write_text(f"_base_ = ['{REPO_ROOT}/configs/segnet_camvid.py']\n"
                      "test_evaluator = [dict(type='BFScoreMetric')]\n")
    printed = run_tool('tools/test.py', config, tmp_path / 'unused.pth',
                       '--out', tmp_path / 'out', fails=True)
    assert 'saved by an IoUMetric, but test_evaluator has none' in printed


def test_tools_test_runs_mc_dropout_with_bf_score(tmp_path, camvid_root):
    ckpt = sharpened_bayesian_checkpoint(tmp_path / 'tiny.pth')
    config = write_bayesian_config(tmp_path / 'bayesian_bf.py',
                                   'BFScoreMetric', mc_samples=2)
    out = run_tool('tools/test.py', config, ckpt, '--work-dir',
                   tmp_path / 'work', '--cfg-options', *SMALL_MODEL,
                   *data_options(camvid_root))
    assert 'mIoU' in out and 'mBFScore' in out and 'iBFScore' in out
    assert 'per class BF score' in out
