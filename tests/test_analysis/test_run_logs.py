"""Parsing mmengine's scalars.json and joining a work dir's pieces."""
import json

import pytest

from segnet_mm.analysis import load_run, load_scalars, load_work_dir
from segnet_mm.analysis.run_logs import final_test, final_val, train_device
from tests.utils import TRAIN, VAL, fake_work_dir, write_log


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
    assert scalars.series('mIoU') == scalars.val['mIoU']
    assert scalars.series('val/time') == ([20, 30], [0.2, 0.2])
    assert scalars.series('train/time') == ([10, 20, 30], [1.0, 1.1, 1.2])
    with pytest.raises(KeyError, match="ask for train/time or val/time"):
        scalars.series('time')
    with pytest.raises(KeyError, match="'mDice' is not logged; logged keys"):
        scalars.series('mDice')


def test_keys_logged_with_a_prefix(tmp_path):
    # A metric with prefix='val' logs 'val/mBFScore'.
    scalars = load_scalars(
        write_log(tmp_path / 'scalars.json',
                  [TRAIN[0], {'val/mBFScore': 40.0, 'step': 10}]))
    assert scalars.series('val/mBFScore') == ([10], [40.0])
    with pytest.raises(KeyError, match=r"logged keys: \[.*'val/mBFScore'"):
        scalars.series('val/mDice')


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


def test_run_results(tmp_path):
    wd = fake_work_dir(tmp_path / 'wd')
    assert final_val(wd, 3000) == dict(aAcc=80.5, mAcc=60.75, mIoU=51.25)
    assert final_val(wd, 4000) == {}
    assert final_test(wd / 'test')['IoU.Pole'] == 2.0
    assert train_device(wd) == 'NVIDIA H200'
    assert train_device(fake_work_dir(tmp_path / 'cpu', gpu=False)) == 'CPU'
    empty = tmp_path / 'empty'
    empty.mkdir()
    assert (final_val(empty, 3000), final_test(empty / 'test'),
            train_device(empty)) == ({}, {}, None)


@pytest.mark.parametrize('text', ['', 'not json', '[1, 2]'])
def test_final_test_rejects_a_file_that_is_not_metrics(tmp_path, text):
    piece = tmp_path / '20260102_000000'
    piece.mkdir()
    (piece / '20260102_000000.json').write_text(text)
    with pytest.raises(ValueError, match='20260102_000000.json'):
        final_test(tmp_path)
