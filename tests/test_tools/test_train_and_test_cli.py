"""tools/train_and_test.sh: train, then score the last checkpoint on the
test split, per config, side by side."""
import json
import subprocess

from tests.conftest import REPO_ROOT
from tests.utils import SMALL_MODEL, data_options, short_schedule

CONFIGS = ['configs/segnet_camvid.py', 'configs/bayesian-segnet_camvid.py']


def run(*args):
    return subprocess.run(['bash', 'tools/train_and_test.sh', *map(str, args)],
                          cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=900)


def test_trains_then_tests_each_config(tmp_path, camvid_root):
    root = tmp_path / 'runs'
    proc = run(root, 2, *CONFIGS, '--', '--cfg-options',
               *data_options(camvid_root), *short_schedule(2), *SMALL_MODEL)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for config in CONFIGS:
        name = config.split('/')[-1][:-3]
        assert f'done {name}' in proc.stdout
        assert (root / name / 'iter_2.pth').is_file()
        logs = list((root / name / 'test').glob('*/*.json'))
        assert len(logs) == 1
        assert 'mIoU' in json.loads(logs[0].read_text())
        assert (root / f'{name}.train.log').is_file()


def test_failed_run_is_reported_and_fails_the_script(tmp_path):
    proc = run(tmp_path, 1, CONFIGS[0], '--', '--cfg-options',
               *data_options(tmp_path / 'no-data'), *SMALL_MODEL)
    assert proc.returncode == 1
    assert 'FAILED' in proc.stdout and 'segnet_camvid.train.log' in proc.stdout


def test_missing_config_named(tmp_path):
    proc = run(tmp_path, 1, 'configs/nope.py')
    assert proc.returncode == 2 and 'no such config: configs/nope.py' in \
        proc.stderr
