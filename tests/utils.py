"""Helpers shared by test modules (test modules import from here, never
from each other): the one small SegNet of the tests, as config overrides
and as a config; running the tools; fixtures of data, logs and work
dirs."""
import argparse
import importlib.util
import json
import socket
import subprocess
import sys
from pathlib import Path
from typing import List, NamedTuple, Optional, Tuple

import torch
from mmengine.config import Config, DictAction
from mmengine.runner import save_checkpoint

from mmseg.registry import DATASETS, MODELS
from segnet_mm.datasets import CamVidDataset
from segnet_mm.engine import cpu_has_bf16_hardware
from tests.conftest import REPO_ROOT

CONFIG = REPO_ROOT / 'configs' / 'segnet_camvid.py'
BAYESIAN_CONFIG = REPO_ROOT / 'configs' / 'bayesian-segnet_camvid.py'
# The small SegNet of every test that needs a whole model: any SegNet
# config with these --cfg-options.
SMALL_MODEL = [
    'model.backbone.channels=(8,8,16,16,16)',
    'model.decode_head.in_channels=(8,8,16,16,16)',
    'model.decode_head.channels=8'
]


# Runs of the bf16 configs (the CPU recipe) in fp32 where the CPU emulates
# bf16 (no AVX512-BF16 or AMX), which trains many times slower there than
# fp32: the same code paths but autocast, which
# test_engine/test_optimizers/test_bf16_amp_optim_wrapper.py tests on its own.
FP32_WHERE_BF16_IS_EMULATED = [] if cpu_has_bf16_hardware() else [
    'optim_wrapper.type=OptimWrapper', 'val_cfg.fp16=False',
    'test_cfg.fp16=False'
]


def cfg_options(options) -> dict:
    """``--cfg-options`` strings parsed as the tools parse them."""
    if not options:
        return {}
    parser = argparse.ArgumentParser()
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    return parser.parse_args(['--cfg-options', *options]).cfg_options


def small_config(config: Path = CONFIG, **model) -> Config:
    """``config`` (a SegNet config) with the ``SMALL_MODEL`` overrides, then
    ``model`` merged into its model."""
    cfg = Config.fromfile(config)
    cfg.merge_from_dict(cfg_options(SMALL_MODEL))
    cfg.merge_from_dict(dict(model=model))
    return cfg


def small_cityscapes_config() -> Config:
    """The small SegNet of configs/segnet_cityscapes.py (SyncBN, 19
    classes, Cityscapes' layout and pipeline) at 64x128, fp32."""
    cfg = small_config(REPO_ROOT / 'configs/segnet_cityscapes.py')
    for transform in cfg.train_dataloader.dataset.pipeline:
        if transform['type'] == 'RandomResize':
            transform['scale'] = (128, 64)
        elif transform['type'] == 'RandomCrop':
            transform['crop_size'] = (64, 128)
    cfg.model.data_preprocessor.size = (64, 128)
    cfg.train_dataloader.update(batch_size=2, num_workers=0,
                                persistent_workers=False)
    return cfg


def write_small_config(path: Path, config: Path = CONFIG) -> Path:
    """A config file of the small SegNet, for code that takes a path."""
    small_config(config).dump(str(path))
    return path


def resized_small_config(shape: Tuple[int, int]) -> Config:
    """The small SegNet config whose test pipeline resizes images to
    ``shape`` (H, W), the fixed input of an exported graph."""
    cfg = Config.fromfile(CONFIG)
    cfg.merge_from_dict(cfg_options(SMALL_MODEL))
    cfg.test_pipeline = [
        dict(type='LoadImageFromFile'),
        dict(type='Resize', scale=shape[::-1], keep_ratio=False),
        dict(type='PackSegInputs')
    ]
    return cfg


def write_bayesian_config(path: Path, metric: str,
                          mc_samples: Optional[int] = None) -> Path:
    """A config on the Bayesian SegNet one, testing with ``IoUMetric`` and
    the metric type ``metric``, and with ``mc_samples`` if given."""
    lines = [f"_base_ = ['{BAYESIAN_CONFIG}']"]
    if mc_samples is not None:
        lines.append(f'model = dict(mc_samples={mc_samples})')
    lines.append("test_evaluator = [dict(type='IoUMetric', "
                 f"iou_metrics=['mIoU']), dict(type='{metric}')]")
    path.write_text('\n'.join(lines) + '\n')
    return path


def save_small_checkpoint(path: Path, with_meta: bool = True,
                          config: Path = CONFIG) -> Path:
    """A freshly initialised small SegNet (of ``config``) saved as mmengine
    does, with CamVid's classes and palette in ``meta.dataset_meta`` if
    ``with_meta``."""
    model = MODELS.build(small_config(config).model)
    model.init_weights()
    meta = dict(dataset_meta=dict(CamVidDataset.METAINFO)) if with_meta \
        else {}
    save_checkpoint(dict(state_dict=model.state_dict(), meta=meta), str(path))
    return path


def fake_work_dir(root, gpu=True):
    """A work dir as tools/train.py + tools/test.py leave it: val at 1500
    and 3000, a test run, the environment at the top of the log."""
    piece = root / '20260101_000000'
    (piece / 'vis_data').mkdir(parents=True)
    lines = [dict(iter=50, step=50, loss=2.0, lr=0.05),
             dict(aAcc=70.0, mIoU=40.0, mAcc=50.0, step=1500),
             dict(iter=3000, step=3000, loss=1.0, lr=0.0),
             dict(aAcc=80.5, mIoU=51.25, mAcc=60.75, step=3000)]
    (piece / 'vis_data/scalars.json').write_text(
        '\n'.join(map(json.dumps, lines)) + '\n')
    env = 'CUDA available: True\n    GPU 0: NVIDIA H200\n' if gpu else \
        'CUDA available: False\n    GPU number: 1\n'
    (piece / '20260101_000000.log').write_text(
        f'System environment:\n    {env}')
    test = root / 'test/20260102_000000'
    test.mkdir(parents=True)
    metrics = dict(aAcc=75.0, mIoU=45.5, mAcc=55.0, data_time=0.1)
    classes = CamVidDataset.METAINFO['classes']
    metrics.update({f'IoU.{c}': float(i) for i, c in enumerate(classes)})
    metrics['IoU.Fence'] = float('nan')
    (test / '20260102_000000.json').write_text(json.dumps(metrics))
    return root


SPLITS = ('train', 'val', 'test')


def data_options(root, splits=SPLITS, val_split='val', test_split='test'):
    """--cfg-options pointing every dataloader at ``root``."""
    opts = []
    for loader, split in (('train', 'train'), ('val', val_split),
                          ('test', test_split)):
        key = f'{loader}_dataloader'
        opts += [
            f'{key}.dataset.data_root={root}',
            f'{key}.dataset.data_prefix.img_path={split}',
            f'{key}.dataset.data_prefix.seg_map_path={split}annot',
            f'{key}.num_workers=0', f'{key}.persistent_workers=False'
        ]
    return opts


def short_schedule(iters):
    return [
        f'train_cfg.max_iters={iters}', f'train_cfg.val_interval={iters}',
        f'default_hooks.checkpoint.interval={iters}',
        'default_hooks.logger.interval=1', f'param_scheduler.0.end={iters}',
        'train_dataloader.batch_size=2'
    ]


def run_tool(*args, cwd=REPO_ROOT, fails=False, timeout=None):
    """Run a tool with this Python; its stdout and stderr once it has
    succeeded, or, with ``fails``, once it has failed."""
    proc = subprocess.run([sys.executable, *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout)
    printed = proc.stdout + proc.stderr
    assert (proc.returncode != 0) == fails, printed[-6000:]
    return printed


def load_tool(path: str):
    """A tool's script (``path`` relative to the repository) as a module,
    to call its functions."""
    spec = importlib.util.spec_from_file_location(Path(path).stem,
                                                  REPO_ROOT / path)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    return tool


def scalars(work_dir: Path):
    logs = sorted(work_dir.glob('*/vis_data/scalars.json'))
    assert logs, f'no json log under {work_dir}'
    return [json.loads(line) for line in logs[-1].read_text().splitlines()]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


TRAIN = [
    dict(lr=0.01, data_time=0.1, loss=2.5, time=1.0, iter=10, memory=9,
         step=10),
    dict(lr=0.009, data_time=0.1, loss=2.0, time=1.1, iter=20, memory=9,
         step=20),
    dict(lr=0.008, data_time=0.1, loss=1.5, time=1.2, iter=30, memory=9,
         step=30),
]
VAL = [
    dict(aAcc=60.0, mIoU=20.5, mAcc=30.0, data_time=0.01, time=0.2, step=20),
    dict(aAcc=70.0, mIoU=31.25, mAcc=40.0, data_time=0.01, time=0.2, step=30),
]


def write_log(path, records):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(''.join(json.dumps(r) + '\n' for r in records))
    return path


LOAD = [dict(type='LoadImageFromFile'), dict(type='LoadAnnotations')]


def build_camvid(root, split='train', pipeline=LOAD, **kwargs):
    return DATASETS.build(
        dict(
            type='CamVidDataset',
            data_root=str(root),
            data_prefix=dict(img_path=split, seg_map_path=f'{split}annot'),
            pipeline=pipeline,
            **kwargs))


def sharpened_bayesian_checkpoint(path: Path) -> Path:
    """The small Bayesian SegNet, freshly initialised with a sharpened
    classifier (mmseg's std 0.01 init gives a near-uniform softmax: all
    confidences in the lowest bin, variances that round to 0)."""
    torch.manual_seed(0)
    model = MODELS.build(small_config(BAYESIAN_CONFIG).model)
    model.init_weights()
    model.decode_head.conv_seg.weight.data.mul_(1000)
    torch.save(
        dict(state_dict=model.state_dict(),
             meta=dict(dataset_meta=dict(CamVidDataset.METAINFO))), path)
    return path


class ConvCall(NamedTuple):
    """One ``nn.Conv2d`` forward: its kernel size, whether its input and
    weight were channels-last, its output's dtype."""
    kernel: int
    input_channels_last: bool
    weight_channels_last: bool
    out_dtype: torch.dtype


def _channels_last(t: torch.Tensor) -> bool:
    return t.is_contiguous(memory_format=torch.channels_last)


def record_convs(monkeypatch) -> List[ConvCall]:
    """Every ``nn.Conv2d`` forward from now on (``monkeypatch`` undoes it),
    appended to the returned list as a :class:`ConvCall`."""
    calls = []
    forward = torch.nn.Conv2d.forward

    def spy(self, x):
        out = forward(self, x)
        calls.append(
            ConvCall(self.kernel_size[0], _channels_last(x),
                     _channels_last(self.weight), out.dtype))
        return out

    monkeypatch.setattr(torch.nn.Conv2d, 'forward', spy)
    return calls


def assert_convs_ran_as_named(calls: List[ConvCall],
                              bf16_channels_last: bool) -> None:
    """Every convolution ran under bf16 autocast on channels-last weights
    (the fast path), or in fp32 on NCHW weights. (A 1x1 kernel is both
    NCHW and channels-last, so only larger kernels tell.)"""
    assert calls
    dtype = torch.bfloat16 if bf16_channels_last else torch.float32
    assert {c.out_dtype for c in calls} == {dtype}
    formats = {c.weight_channels_last for c in calls if c.kernel > 1}
    assert formats == {bf16_channels_last}
