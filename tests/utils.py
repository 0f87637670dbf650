"""Helpers shared by test modules: the small SegNet of the CLI tests as
config overrides, and a checkpoint of it made without training."""
import argparse
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
