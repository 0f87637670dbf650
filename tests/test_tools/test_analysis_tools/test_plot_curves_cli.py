"""tools/analysis_tools/plot_curves.py through the real CLI."""
from tests.utils import TRAIN, VAL, run_tool, write_log


def test_plot_curves_cli(tmp_path):
    log = write_log(tmp_path / 'scalars.json', [*TRAIN, *VAL])
    out = run_tool('tools/analysis_tools/plot_curves.py', log,
                   '--keys', 'loss', 'mIoU', 'val/time',
                   '--out', tmp_path / 'curves.png')
    assert f'loss ({log}): 3 points, iterations 10-30, last 1.5' in out
    assert f'mIoU ({log}): 2 points, iterations 20-30, last 31.25' in out
    assert f'val/time ({log}): 2 points' in out
    assert (tmp_path / 'curves.png').stat().st_size > 0
