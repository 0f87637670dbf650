"""Helpers shared by test modules: the small SegNet of the CLI tests as
config overrides, and a checkpoint of it made without training."""
import argparse
import json
from pathlib import Path

from mmengine.config import Config, DictAction
from mmengine.runner import save_checkpoint

from mmseg.registry import MODELS
from segnet_mm.datasets import CamVidDataset
from tests.conftest import REPO_ROOT
from tests.test_tools.test_resume import SMALL_MODEL

CONFIG = REPO_ROOT / 'configs' / 'segnet_camvid.py'


def cfg_options(options) -> dict:
    """``--cfg-options`` strings parsed as the tools parse them."""
    parser = argparse.ArgumentParser()
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    return parser.parse_args(['--cfg-options', *options]).cfg_options


def small_config() -> Config:
    """``configs/segnet_camvid.py`` with the ``SMALL_MODEL`` overrides."""
    cfg = Config.fromfile(CONFIG)
    cfg.merge_from_dict(cfg_options(SMALL_MODEL))
    return cfg


def save_small_checkpoint(path: Path, with_meta: bool = True) -> Path:
    """A freshly initialised small SegNet saved as mmengine does, with
    CamVid's classes and palette in ``meta.dataset_meta`` if ``with_meta``.
    """
    model = MODELS.build(small_config().model)
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
