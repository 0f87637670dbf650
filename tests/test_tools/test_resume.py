"""Reliability through the real CLI: SIGKILL + --resume reproduces an
uninterrupted run exactly; a NaN loss stops with the last good checkpoint."""
import os
import re
import signal
import subprocess
import sys
import time

import torch

from segnet_mm.engine import load_local_weights_only
from tests.conftest import REPO_ROOT
from tests.utils import SMALL_MODEL, data_options


def train_cmd(root, work_dir, iters, *extra):
    return [
        sys.executable, 'tools/train.py', 'configs/segnet_camvid.py',
        '--work-dir', str(work_dir), *extra, '--cfg-options',
        *data_options(root), *SMALL_MODEL, f'train_cfg.max_iters={iters}',
        'train_cfg.val_interval=1000', 'default_hooks.checkpoint.interval=2',
        'default_hooks.checkpoint.max_keep_ckpts=-1',
        f'param_scheduler.0.end={iters}', 'train_dataloader.batch_size=2',
        'randomness.seed=0', 'randomness.deterministic=True'
    ]


def run(cmd):
    proc = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def weights(path):
    return load_local_weights_only(str(path))['state_dict']


def resumed_iteration(log: str) -> int:
    """The iteration mmengine's Runner says it resumed at; fails if it
    did not resume (it logs nothing of the kind when --resume finds no
    checkpoint and it starts from scratch)."""
    found = re.findall(r'resumed epoch: \d+, iter: (\d+)', log)
    assert len(found) == 1, log[-3000:]
    return int(found[0])


def test_sigkill_then_resume_equals_uninterrupted(tmp_path, camvid_root):
    iters = 40
    run(train_cmd(camvid_root, tmp_path / 'straight', iters))

    killed = tmp_path / 'killed'
    proc = subprocess.Popen(
        train_cmd(camvid_root, killed, iters), cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while not (killed / 'iter_2.pth').is_file() and time.time() < deadline:
        assert proc.poll() is None, 'training ended before its checkpoint'
        time.sleep(0.05)
    time.sleep(0.5)  # let the checkpoint file be complete
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert not (killed / f'iter_{iters}.pth').exists()

    saved = sorted(int(p.stem[5:]) for p in killed.glob('iter_*.pth'))
    out = run(train_cmd(camvid_root, killed, iters, '--resume'))
    # It continued from a checkpoint the killed run wrote, not from 0.
    start = resumed_iteration(out.stdout + out.stderr)
    assert 0 < start < iters and start in saved
    expected = weights(tmp_path / 'straight' / f'iter_{iters}.pth')
    resumed = weights(killed / f'iter_{iters}.pth')
    assert expected.keys() == resumed.keys()
    for key in expected:
        assert torch.equal(expected[key], resumed[key]), key


def test_resume_from_given_checkpoint(tmp_path, camvid_root):
    run(train_cmd(camvid_root, tmp_path / 'a', 2))
    ckpt = tmp_path / 'a' / 'iter_2.pth'
    out = run(train_cmd(camvid_root, tmp_path / 'b', 4, '--resume', ckpt))
    assert resumed_iteration(out.stdout + out.stderr) == 2
    assert (tmp_path / 'b' / 'iter_4.pth').is_file()


def test_nan_loss_stops_and_keeps_last_good_checkpoint(tmp_path, camvid_root):
    cmd = train_cmd(camvid_root, tmp_path, 20)
    cmd[cmd.index('default_hooks.checkpoint.interval=2')] = \
        'default_hooks.checkpoint.interval=1'
    cmd += ['optim_wrapper.optimizer.lr=1e30']
    proc = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True)
    assert proc.returncode != 0
    found = re.search(r'NonFiniteLossError: (loss is nan|weights are not '
                      r'finite).* at iteration (\d+);', proc.stderr)
    assert found, proc.stderr[-3000:]
    bad = int(found.group(2))
    last = tmp_path / f'iter_{bad - 1}.pth'
    assert not (tmp_path / f'iter_{bad}.pth').exists()
    assert f'Last good checkpoint: {last}' in proc.stderr
    kept = weights(last)
    assert kept and all(torch.isfinite(v).all() for v in kept.values()
                        if v.is_floating_point())
