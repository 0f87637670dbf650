"""Parsing mmengine's scalars.json and joining a work dir's pieces."""
import json

import pytest

from segnet_mm.analysis import load_run, load_scalars, load_work_dir
from tests.utils import TRAIN, VAL, write_log


@pytest.fixture
def log(tmp_path):
    return write_log(tmp_path / 'work' / '20260101_000000' / 'vis_data' /
                     'scalars.json',
                     [TRAIN[0], TRAIN[1], VAL[0], TRAIN[2], VAL[1]])


def test_load_scalars_splits_train_and_val(log):
    scalars = load_scalars(log)
    assert scalars.train['loss'] == ([10, 20, 30], [2.5, 2.0, 1.5])
    assert scalars.train['lr'] == ([10, 20, 30], [0.01, 0.009, 0.008])
    assert scalars.val['mIoU'] == ([20, 30], [20.5, 31.25])
    assert load_run(log) == scalars
    assert 'iter' not in scalars.train and 'step' not in scalars.val
    assert scalars.get('mIoU') == scalars.val['mIoU']
    assert scalars.get('val/time') == ([20, 30], [0.2, 0.2])
    assert scalars.get('train/time') == ([10, 20, 30], [1.0, 1.1, 1.2])
    with pytest.raises(KeyError, match="ask for train/time or val/time"):
        scalars.get('time')
    with pytest.raises(KeyError, match="'mDice' is not logged; logged keys"):
        scalars.get('mDice')


def test_keys_logged_with_a_prefix(tmp_path):
    # A metric with prefix='val' logs 'val/mBFScore'.
    scalars = load_scalars(
        write_log(tmp_path / 'scalars.json',
                  [TRAIN[0], {'val/mBFScore': 40.0, 'step': 10}]))
    assert scalars.get('val/mBFScore') == ([10], [40.0])
    with pytest.raises(KeyError, match=r"logged keys: \[.*'val/mBFScore'"):
        scalars.get('val/mDice')


def test_load_scalars_names_bad_lines(tmp_path):
    with pytest.raises(FileNotFoundError, match='missing.json'):
        load_scalars(tmp_path / 'missing.json')
    bad = tmp_path / 'bad.json'
    bad.write_text(json.dumps(TRAIN[0]) + '\n{"loss": 1.0\n')
    with pytest.raises(ValueError, match=f'{bad}:2: not JSON'):
        load_scalars(bad)
    bad.write_text('{"loss": 1.0}\n')
    with pytest.raises(ValueError, match=f'{bad}:1: no integer step'):
        load_scalars(bad)


def test_load_work_dir_joins_resumed_pieces(tmp_path):
    # The first piece logged up to 30 and was killed after its checkpoint at
    # 20; the resumed piece redoes 30 and goes on, without 'memory' and
    # 'mDice'.
    work_dir = tmp_path / 'work'
    write_log(work_dir / '20260101_000000' / 'vis_data' / 'scalars.json',
              [*TRAIN, VAL[0], dict(mDice=50.0, step=30)])
    resumed = {k: v for k, v in TRAIN[2].items() if k != 'memory'}
    write_log(work_dir / '20260101_010000' / 'vis_data' / 'scalars.json', [
        dict(resumed, loss=1.4),
        dict(resumed, loss=1.0, iter=40, step=40), VAL[1]
    ])
    joined = load_work_dir(work_dir)
    assert joined.train['loss'] == ([10, 20, 30, 40], [2.5, 2.0, 1.4, 1.0])
    assert joined.val['mIoU'] == ([20, 30], [20.5, 31.25])
    assert joined.train['memory'] == ([10, 20], [9.0, 9.0])
    assert 'mDice' not in joined.val
    assert load_run(work_dir) == joined
    with pytest.raises(FileNotFoundError, match='holds no TIMESTAMP'):
        load_work_dir(tmp_path)
