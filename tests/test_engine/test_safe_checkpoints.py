"""Importing segnet_mm leaves checkpoint loading alone; the explicit
switch (and the hook that calls it) turns on our weights-only loader."""
import subprocess
import sys

from tests.conftest import REPO_ROOT

STATE = '''
import torch
from mmengine.logging import HistoryBuffer
from mmengine.runner.checkpoint import CheckpointLoader
def state():
    return (tuple(map(str, torch.serialization.get_safe_globals())),
            HistoryBuffer.__getstate__,
            CheckpointLoader._schemes.get(''))
'''


def run(code):
    result = subprocess.run([sys.executable, '-c', STATE + code],
                            cwd=REPO_ROOT, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_import_changes_nothing():
    run('before = state()\n'
        'import segnet_mm\n'
        'from mmseg.utils import register_all_modules\n'
        'register_all_modules()\n'
        'assert state() == before, (before, state())\n')


def test_enable_and_hook_switch_the_loader():
    out = run(
        'import segnet_mm\n'
        'from segnet_mm.engine import (SafeCheckpointHook,\n'
        '    load_local_weights_only)\n'
        'before = state()\n'
        'SafeCheckpointHook().before_run(None)\n'
        'after = state()\n'
        'assert after[2] is load_local_weights_only\n'
        'assert after[1] is not before[1]\n'
        'assert after[0] == before[0]  # allow-list only while loading\n'
        'print("switched")\n')
    assert 'switched' in out
