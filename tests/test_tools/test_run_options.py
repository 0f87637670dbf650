"""tools/train.py's and tools/test.py's run options: --amp, --launcher,
--cfg-options, and --local-rank, which becomes LOCAL_RANK unless the
launcher set it."""
import os
import sys

import pytest

from tests.utils import load_tool


@pytest.mark.parametrize('tool, positional', [
    ('tools/train.py', ['c.py']), ('tools/test.py', ['c.py', 'w.pth'])])
@pytest.mark.parametrize('launcher_rank, local_rank',
                         [(None, '3'), ('1', '1')])
def test_run_options_pass_the_local_rank_on(monkeypatch, tool, positional,
                                            launcher_rank, local_rank):
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
