"""tools/compare_models.py end to end: costs, saved speed, results."""
import subprocess
import sys

from tests.conftest import REPO_ROOT
from tests.utils import fake_work_dir

CONFIG = 'configs/benchmark/segnet-basic_1xb8-3k_camvid-180x240.py'


def test_table_from_work_dirs(tmp_path):
    fake_work_dir(tmp_path / 'segnet-basic_1xb8-3k_camvid-180x240')
    out = tmp_path / 'table.md'
    result = subprocess.run(
        [sys.executable, 'tools/compare_models.py', CONFIG,
         'configs/segnet_camvid_cpu.py', '--work-root', str(tmp_path),
         '--shape', '90', '120', '--measure', '--iters', '1', '--out',
         str(out)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    rows = out.read_text().splitlines()
    basic, segnet = rows[2], rows[3]
    # 1,416,075 parameters; SegNet-Basic's MACs at 90x120 are 1/16 of
    # those at 360x480; val/test from the work dir; speed measured now.
    assert '| 1.42 |' in basic and '| 90x120 |' in basic
    assert '| 51.25 |' in basic and '| 45.50 |' in basic
    assert '| 29.44 |' in segnet and '| NVIDIA H200 |' not in segnet
    for row in (basic, segnet):
        ms, s_iter = row.split(' | ')[9:11]
        assert float(ms) > 0 and float(s_iter) > 0
    assert (tmp_path / 'segnet_camvid_cpu/cpu_speed.json').is_file()
