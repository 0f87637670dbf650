import math
import re
import subprocess
import sys

from tests.conftest import REPO_ROOT
from tests.utils import run_tool


def test_workers_for_a_rate(camvid_root):
    text = run_tool('tools/analysis_tools/benchmark_data.py',
                    'configs/segnet_camvid.py',
                    '--samples', 3, '--images-per-s', 1e6, '--cfg-options',
                    f'train_dataloader.dataset.data_root={camvid_root}')
    found = re.search(r'one worker ([\d.]+) ms/sample, ([\d.]+) images/s; '
                      r'1e\+06 images/s needs (\d+) workers \(config: 2\)',
                      text)
    assert found, text
    rate, workers = float(found.group(2)), int(found.group(3))
    # The rate is printed to 0.05; the workers are ceil(1e6 / rate).
    assert math.ceil(1e6 / (rate + 0.05)) <= workers <= \
        math.ceil(1e6 / (rate - 0.05))


def test_missing_config_named():
    for tool, *args in (['tools/analysis_tools/benchmark_data.py'],
                        ['.dev_scripts/benchmark_train.py',
                         '--work-root', 'w']):
        proc = subprocess.run(
            [sys.executable, tool, 'configs/nope.py', *args],
            cwd=REPO_ROOT, capture_output=True, text=True)
        assert proc.returncode == 2
        assert 'no such config: configs/nope.py' in proc.stderr
