"""setup_cpu_distributed: torchrun + gloo on CPUs through mmengine's Runner
(the 2-process run itself is tests/test_tools/test_dist_train.py)."""
import pytest
import torch
import torch.distributed as torch_dist
from mmengine.config import Config

from segnet_mm.engine import setup_cpu_distributed
from tests.utils import free_port

pytestmark = pytest.mark.skipif(torch.cuda.is_available(),
                                reason='the CPU path only runs without CUDA')


def make_cfg(launcher='pytorch', backend='gloo', **extra):
    return Config(
        dict(launcher=launcher,
             env_cfg=dict(dist_cfg=dict(backend=backend, timeout=60)),
             **extra))


@pytest.fixture
def torchrun_env(monkeypatch):
    for name, value in dict(RANK='0', LOCAL_RANK='0', WORLD_SIZE='1',
                            MASTER_ADDR='127.0.0.1',
                            MASTER_PORT=str(free_port())).items():
        monkeypatch.setenv(name, value)


def test_leaves_non_distributed_runs_alone():
    cfg = make_cfg(launcher='none', backend='nccl')
    setup_cpu_distributed(cfg)
    assert 'model_wrapper_cfg' not in cfg
    assert not torch_dist.is_initialized()


def test_rejects_what_cannot_run_on_cpus(monkeypatch, torchrun_env):
    with pytest.raises(ValueError, match="backend='nccl' needs CUDA"):
        setup_cpu_distributed(make_cfg(backend='nccl'))
    with pytest.raises(ValueError, match=r'device_ids=\[0\]'):
        setup_cpu_distributed(
            make_cfg(model_wrapper_cfg=dict(device_ids=[0])))
    monkeypatch.delenv('MASTER_PORT')
    with pytest.raises(RuntimeError, match='MASTER_PORT not set'):
        setup_cpu_distributed(make_cfg())
    assert not torch_dist.is_initialized()


def test_joins_gloo_group_and_drops_device_ids(torchrun_env):
    cfg = make_cfg(find_unused_parameters=True)
    setup_cpu_distributed(cfg)
    try:
        assert torch_dist.is_initialized()
        assert torch_dist.get_backend() == 'gloo'
        assert torch_dist.get_world_size() == 1
        assert cfg.model_wrapper_cfg == dict(
            type='MMDistributedDataParallel',
            broadcast_buffers=False,
            find_unused_parameters=True,
            device_ids=None)
        setup_cpu_distributed(cfg)  # already joined: nothing to do
    finally:
        torch_dist.destroy_process_group()
