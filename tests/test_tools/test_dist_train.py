"""tools/dist_train.sh: real 2-process DDP training on CPUs (gloo), and the
srun command tools/slurm_train.sh composes."""
import os
import subprocess

import pytest
import torch

from segnet_mm.engine import load_local_weights_only
from tests.conftest import REPO_ROOT
from tests.utils import SMALL_MODEL, data_options, free_port


def test_two_process_ddp_keeps_ranks_identical(tmp_path, camvid_root):
    """Each rank trains on its own shard (so BN running statistics, never
    synchronised, differ) while all-reduced gradients keep the parameters
    bit-identical on both ranks and in rank 0's checkpoint."""
    dumps = tmp_path / 'dumps'
    dumps.mkdir()
    config = tmp_path / 'ddp.py'
    config.write_text(
        f"_base_ = ['{REPO_ROOT / 'configs' / 'segnet_camvid.py'}']\n"
        "custom_imports = dict(imports=['segnet_mm', "
        "'tests.test_tools.rank_state_dump'], allow_failed_imports=False)\n"
        "custom_hooks = [dict(type='RankStateDumpHook', "
        f"out_dir='{dumps}')]\n")
    work_dir = tmp_path / 'work'
    iters = 3
    proc = subprocess.run([
        'bash', 'tools/dist_train.sh',
        str(config), '2', '--work-dir',
        str(work_dir), '--cfg-options', 'env_cfg.dist_cfg.backend=gloo',
        *data_options(camvid_root), *SMALL_MODEL,
        f'train_cfg.max_iters={iters}', f'train_cfg.val_interval={iters}',
        f'default_hooks.checkpoint.interval={iters}',
        f'param_scheduler.0.end={iters}', 'train_dataloader.batch_size=1'
    ], cwd=REPO_ROOT, capture_output=True, text=True,
        env={**os.environ, 'PORT': str(free_port()), 'OMP_NUM_THREADS': '1'},
        timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    log = proc.stdout + proc.stderr
    assert 'Distributed training: True' in log and 'mIoU' in log

    rank0 = torch.load(dumps / 'rank0.pth', weights_only=True)
    rank1 = torch.load(dumps / 'rank1.pth', weights_only=True)
    assert rank0['params'] and rank0['params'].keys() == rank1['params'].keys()
    for key in rank0['params']:
        assert torch.equal(rank0['params'][key], rank1['params'][key]), key
    means = [k for k in rank0['buffers'] if k.endswith('running_mean')]
    assert means
    assert any(not torch.equal(rank0['buffers'][k], rank1['buffers'][k])
               for k in means), 'both ranks saw the same images'

    saved = load_local_weights_only(str(work_dir /
                                        f'iter_{iters}.pth'))['state_dict']
    for key, value in rank0['params'].items():
        assert torch.equal(saved[key], value), key


def test_slurm_train_composes_srun(tmp_path):
    fake_srun = tmp_path / 'srun'
    fake_srun.write_text('#!/usr/bin/env bash\nprintf "%s\\n" "$@"\n')
    fake_srun.chmod(0o755)
    env = {**os.environ, 'PATH': f"{tmp_path}:{os.environ['PATH']}"}

    def srun_args(*args):
        proc = subprocess.run(['bash', 'tools/slurm_train.sh', *args],
                              cwd=REPO_ROOT, capture_output=True, text=True,
                              env=env)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout.splitlines()

    args = srun_args('gpu', 'segnet', 'configs/segnet_camvid.py', 'wd', '2',
                     '--amp')
    assert args[:2] == ['-p', 'gpu']
    assert {'--job-name=segnet', '--gres=gpu:2', '--ntasks=2',
            '--ntasks-per-node=2', '--kill-on-bad-exit=1'} <= set(args)
    assert args[-7:] == [
        'python', '-u', f'{REPO_ROOT}/tools/train.py',
        'configs/segnet_camvid.py', '--work-dir=wd', '--launcher=slurm',
        '--amp'
    ]

    default = srun_args('gpu', 'segnet', 'configs/segnet_camvid.py', 'wd')
    assert '--ntasks=4' in default and default[-1] == '--launcher=slurm'

    proc = subprocess.run(['bash', 'tools/slurm_train.sh', 'gpu'],
                          cwd=REPO_ROOT, capture_output=True, text=True)
    assert proc.returncode == 2 and 'usage:' in proc.stderr


@pytest.mark.parametrize('script', ['dist_train.sh', 'slurm_train.sh'])
def test_scripts_are_valid_bash(script):
    subprocess.run(['bash', '-n', str(REPO_ROOT / 'tools' / script)],
                   check=True)
