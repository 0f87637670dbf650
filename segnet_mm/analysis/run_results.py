"""What a run of ``tools/train.py`` (and ``tools/test.py``) left in its work
dir: the validation logged at the last iteration, the metrics of a test
run, and the device it trained on. Nothing is guessed: what is not there
is None or empty.

Layout (mmengine's): ``WORK_DIR/TIMESTAMP/vis_data/scalars.json`` per
training piece, ``WORK_DIR/TIMESTAMP/TIMESTAMP.log`` its text log, and
for ``tools/test.py --work-dir WORK_DIR/test`` one
``WORK_DIR/test/TIMESTAMP/TIMESTAMP.json`` line of test metrics.
"""
import json
import re
from pathlib import Path
from typing import Dict, Optional

from ..utils.typing_utils import PathLike
from .scalars import load_work_dir

VAL_KEYS = ('aAcc', 'mAcc', 'mIoU')


def _newest_piece_file(folder: PathLike, suffix: str) -> Optional[Path]:
    """``folder/TIMESTAMP/TIMESTAMP<suffix>`` of the newest piece, None if
    there is none."""
    files = sorted(p for p in Path(folder).glob(f'*/*{suffix}')
                   if p.stem == p.parent.name)
    return files[-1] if files else None


def final_val(work_dir: PathLike, max_iters: int) -> Dict[str, float]:
    """``aAcc``, ``mAcc``, ``mIoU`` validated at iteration ``max_iters``
    (the last checkpoint's weights); empty if no piece logged them."""
    try:
        scalars = load_work_dir(work_dir)
    except FileNotFoundError:
        return {}
    found = {}
    for key in VAL_KEYS:
        steps, values = scalars.val.get(key, ([], []))
        if max_iters in steps:
            found[key] = values[steps.index(max_iters)]
    return found


def final_test(test_dir: PathLike) -> Dict[str, float]:
    """The newest test run's metrics in ``test_dir``
    (``TIMESTAMP/TIMESTAMP.json``); empty if there is none.

    Raises:
        ValueError: naming the file, if it is not a JSON object.
    """
    log = _newest_piece_file(test_dir, '.json')
    if log is None:
        return {}
    text = log.read_text().strip()
    try:
        record = json.loads(text.splitlines()[-1])
    except (json.JSONDecodeError, IndexError) as err:
        raise ValueError(f'{log}: not a JSON line of metrics') from err
    if not isinstance(record, dict):
        raise ValueError(f'{log}: not a JSON object of metrics')
    return {k: v for k, v in record.items() if isinstance(v, (int, float))}


def train_device(work_dir: PathLike) -> Optional[str]:
    """The device of the newest training piece, from the environment its
    log starts with: the GPU name (``GPU 0: NAME``), else ``'CPU'`` where
    CUDA was not available; None without a log."""
    log = _newest_piece_file(work_dir, '.log')
    if log is None:
        return None
    text = log.read_text(errors='replace')
    gpu = re.search(r'^\s*GPU [\d,]+: (.+)$', text, re.MULTILINE)
    if gpu:
        return gpu.group(1).strip()
    if re.search(r'CUDA available: False', text):
        return 'CPU'
    return None
