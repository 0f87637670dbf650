"""Distributed training on CPUs (gloo) through mmengine's Runner.

mmengine 0.10.7 assumes CUDA for ``launcher='pytorch'``: ``init_dist``
calls ``torch.cuda.set_device(LOCAL_RANK)`` and ``Runner.wrap_model`` gives
``DistributedDataParallel`` ``device_ids=[LOCAL_RANK]``; both fail without
a GPU. :func:`setup_cpu_distributed` does what the Runner would, for CPUs:
it joins the process group itself (``Runner.setup_env`` then skips
``init_dist``) and asks for ``device_ids=None``.
"""
import datetime
import os

import torch
import torch.distributed as torch_dist
from mmengine.config import Config

TORCHRUN_VARIABLES = ('RANK', 'LOCAL_RANK', 'WORLD_SIZE', 'MASTER_ADDR',
                      'MASTER_PORT')


def setup_cpu_distributed(cfg: Config) -> None:
    """Join a gloo process group from torchrun's environment and make the
    config wrap the model in DDP without ``device_ids``.

    Does nothing unless ``cfg.launcher == 'pytorch'`` and CUDA is
    unavailable, or if the process group already exists.

    Args:
        cfg (Config): The run's config; ``env_cfg.dist_cfg`` gives the
            backend (must be 'gloo') and optional ``timeout`` in seconds.
            ``model_wrapper_cfg`` (default: the Runner's own choice,
            ``MMDistributedDataParallel`` with ``broadcast_buffers=False``)
            gets ``device_ids=None``.

    Raises:
        ValueError: if the backend is not 'gloo', or if ``model_wrapper_cfg``
            names device ids.
        RuntimeError: naming the missing variables, if not started by
            torchrun.
    """
    if cfg.get('launcher') != 'pytorch' or torch.cuda.is_available():
        return
    if torch_dist.is_initialized():
        return
    dist_cfg = dict(cfg.get('env_cfg', {}).get('dist_cfg', {}))
    backend = dist_cfg.pop('backend', 'nccl')
    if backend != 'gloo':
        raise ValueError(
            f'env_cfg.dist_cfg.backend={backend!r} needs CUDA; on CPUs set '
            "env_cfg.dist_cfg.backend='gloo'")
    missing = [v for v in TORCHRUN_VARIABLES if v not in os.environ]
    if missing:
        raise RuntimeError(f"launcher='pytorch': {', '.join(missing)} not "
                           'set; start the processes with torchrun')
    wrapper = cfg.get('model_wrapper_cfg')
    if wrapper is None:
        # What Runner.wrap_model builds when the config names no wrapper.
        wrapper = dict(
            type='MMDistributedDataParallel',
            broadcast_buffers=False,
            find_unused_parameters=cfg.get('find_unused_parameters', False))
    elif wrapper.get('device_ids') is not None:
        raise ValueError(f"model_wrapper_cfg.device_ids="
                         f"{wrapper['device_ids']} can not be used on CPUs")
    if 'timeout' in dist_cfg:
        dist_cfg['timeout'] = datetime.timedelta(seconds=dist_cfg['timeout'])
    torch_dist.init_process_group(backend='gloo', **dist_cfg)
    cfg.model_wrapper_cfg = dict(wrapper, device_ids=None)
