"""Rows of the model comparison table
(``tools/analysis_tools/compare_models.py``): per config its size and cost,
speed measured on this machine (and saved in its work dir), and the val and
test results its work dir holds. A value that was not measured stays None;
:func:`.report.comparison_tables` prints it blank."""
import json
import math
from datetime import date
from pathlib import Path
from typing import Dict, Optional, Sequence, Tuple

import torch
from mmengine.config import Config

from ..utils.config_checks import dataset_classes
from ..utils.config_edits import load_config
from ..utils.cpuinfo import read_cpuinfo
from ..utils.typing_utils import PathLike
from .benchmark import (macs_and_params, time_config_train_step_on_synthetic,
                        time_forward)
from .run_logs import final_test, final_val, train_device

SPEED_FILE = 'cpu_speed.json'
# The synthetic training frames speed is measured on (in each config's
# layout).
DATA_SHAPE = (360, 480)
DATA_FRAMES = 16


def round_up(shape: Sequence[int], divisor: int) -> Tuple[int, int]:
    """Each side of ``shape`` rounded up to a multiple of ``divisor``."""
    return tuple(math.ceil(s / divisor) * divisor for s in shape)


def padded_shape(cfg: Config, shape: Sequence[int]) -> Tuple[int, int]:
    """``shape`` (H, W) as the config's data preprocessor feeds it to the
    model at test time: padded up to its ``test_cfg.size_divisor``."""
    test_cfg = cfg.model.get('data_preprocessor', {}).get('test_cfg') or {}
    return round_up(shape, test_cfg.get('size_divisor') or 1)


def machine_name() -> str:
    """The CPU's model name and thread count, for the speed columns."""
    return f'{read_cpuinfo().model}, {torch.get_num_threads()} threads'


def save_speed(work_dir: PathLike, inference_ms: float,
               train_s_per_iter: float) -> Path:
    """Write this machine's speed measurements into ``work_dir``."""
    path = Path(work_dir) / SPEED_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(dict(
        machine=machine_name(), date=date.today().isoformat(),
        torch=torch.__version__, inference_ms=inference_ms,
        train_s_per_iter=train_s_per_iter), indent=1))
    return path


def load_speed(work_dir: PathLike) -> Dict:
    """The speed measurements saved in ``work_dir``; empty if none."""
    path = Path(work_dir) / SPEED_FILE
    return json.loads(path.read_text()) if path.is_file() else {}


def collect_row(config: PathLike, work_dir: PathLike,
                cost: Optional[Dict] = None) -> Dict:
    """One table row: ``cost`` (params, MACs, input shape, as measured by
    the caller), the saved speed, val at the last iteration, test
    metrics and the training device."""
    cfg = load_config(config)
    return dict(
        name=Path(config).stem,
        config=str(config),
        backbone=cfg.model.backbone.type,
        head=cfg.model.decode_head.type,
        crop=cfg.get('crop_size'),
        iters=cfg.train_cfg.get('max_iters'),
        **(cost or {}),
        speed=load_speed(work_dir),
        device=train_device(work_dir),
        val=final_val(work_dir, cfg.train_cfg.get('max_iters')),
        test=final_test(Path(work_dir) / 'test'),
    )


def shared_classes(cfgs: Sequence[Config]) -> Tuple[str, ...]:
    """The test classes all ``cfgs`` share, for one per-class table.

    Raises:
        ValueError: if their test datasets' classes differ, or one's can
            not be known (naming its dataset type).
    """
    found = set()
    for cfg in cfgs:
        dataset = cfg.test_dataloader.dataset
        classes = dataset_classes(dataset)
        if classes is None:
            raise ValueError(f'no classes for the test dataset type '
                             f'{dataset.type!r}: not a registered dataset, '
                             'and no metainfo.classes')
        found.add(classes)
    if len(found) != 1:
        raise ValueError('the configs test on different classes: '
                         f'{sorted(found)}')
    return found.pop()


def measure_cost(cfg: Config, shape: Sequence[int]) -> Dict:
    """Parameters used at inference, MACs at ``shape`` padded as the config
    pads it (:func:`padded_shape`), that input shape and the ops mmengine
    could not count (reported, not guessed)."""
    shape = padded_shape(cfg, shape)
    cost = macs_and_params(cfg, shape)
    return dict(params=cost['inference_params'], macs=cost['macs'],
                input=shape, unsupported=cost['unsupported'])


def measure_speed(cfg: Config, work_dir: PathLike, shape: Sequence[int],
                  iters: int) -> Dict[str, float]:
    """bf16 + channels-last inference ms per image at ``shape`` (already
    padded) and the config's own training step on ``DATA_FRAMES``
    synthetic frames on this CPU, saved in ``work_dir``
    (:func:`save_speed`) and returned with the file's ``path``."""
    inference = time_forward(cfg, shape, bf16_channels_last=True,
                             compact=None, iters=iters)
    train = time_config_train_step_on_synthetic(cfg, DATA_SHAPE, DATA_FRAMES,
                                                iters=iters)
    ms = inference['seconds'] * 1e3
    path = save_speed(work_dir, ms, train['seconds'])
    return dict(inference_ms=ms, train_s_per_iter=train['seconds'],
                path=str(path))
