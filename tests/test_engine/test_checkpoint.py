"""engine/checkpoint.py in process: the weights-only loader and its
messages, HistoryBuffer's pickled state, publishing and re-saving
checkpoints."""
import hashlib

import pytest
import torch
from mmengine.logging import HistoryBuffer
from mmengine.runner.checkpoint import CheckpointLoader

from segnet_mm.engine import (load_local_weights_only, publish_checkpoint,
                              save_with_state_dict)
from segnet_mm.engine.checkpoint import (_history_buffer_getstate,
                                         enable_safe_checkpoints)


def weights(path):
    return load_local_weights_only(str(path))['state_dict']['w']


class NotAWeight:
    pass


def test_loads_weights_where_asked(tmp_path):
    path = tmp_path / 'w.pth'
    torch.save(dict(state_dict=dict(w=torch.ones(2))), path)
    assert load_local_weights_only(str(path), map_location='meta')[
        'state_dict']['w'].is_meta


def test_refuses_foreign_objects_naming_them(tmp_path):
    path = tmp_path / 'evil.pth'
    torch.save({'state_dict': {}, 'payload': NotAWeight()}, path)
    with pytest.raises(RuntimeError) as error:
        load_local_weights_only(str(path))
    assert str(error.value) == (
        f'refusing to load checkpoint {path}: it holds '
        f'{__name__}.NotAWeight, outside what segnet-mm checkpoints contain '
        '(tensors, containers, numpy arrays, mmengine HistoryBuffer). Load '
        'it with torch.load(weights_only=False) yourself only if you trust '
        'its source.')


def test_names_missing_and_unreadable_files(tmp_path):
    path = tmp_path / 'cut.pth'
    with pytest.raises(FileNotFoundError) as error:
        load_local_weights_only(str(path))
    assert str(error.value) == f'checkpoint {path} can not be found.'
    torch.save(dict(state_dict=dict(w=torch.ones(100))), path)
    path.write_bytes(path.read_bytes()[:100])  # killed while saving
    with pytest.raises(RuntimeError) as error:
        load_local_weights_only(str(path))
    assert str(error.value).startswith(f'can not read checkpoint {path}: ')
    assert len(str(error.value)) > len(f'can not read checkpoint {path}: ')


def test_history_buffer_pickles_only_custom_statistics():
    buffer = HistoryBuffer([1.0, 2.0], [1, 1])
    buffer.__dict__['statistics_methods'] = dict(HistoryBuffer.
                                                 _statistics_methods)
    state = _history_buffer_getstate(buffer)
    assert 'statistics_methods' not in state
    assert state['_log_history'].tolist() == [1.0, 2.0]

    def median(self):
        return 0.0

    HistoryBuffer._statistics_methods['median'] = median
    try:
        state = _history_buffer_getstate(buffer)
    finally:
        del HistoryBuffer._statistics_methods['median']
    assert state['statistics_methods'] == dict(median=median)


def test_enable_safe_checkpoints_switches_the_local_loader():
    enable_safe_checkpoints()
    assert CheckpointLoader._schemes[''] is load_local_weights_only
    assert HistoryBuffer.__getstate__ is _history_buffer_getstate


def test_publish_keeps_weights_and_meta_named_by_their_hash(tmp_path):
    src = tmp_path / 'iter_10.pth'
    torch.save(dict(state_dict=dict(w=torch.ones(2)), meta=dict(iter=10),
                    optimizer=dict(lr=0.1)), src)
    path, digest = publish_checkpoint(str(src), str(tmp_path / 'net'))
    data = open(path, 'rb').read()
    assert digest == hashlib.sha256(data).hexdigest()
    assert path == str(tmp_path / f'net-{digest[:8]}.pth')
    published = load_local_weights_only(path)
    assert set(published) == {'state_dict', 'meta'}
    assert published['meta'] == dict(iter=10)
    assert torch.equal(published['state_dict']['w'], torch.ones(2))
    for ext in ('.pt', '.pth'):
        path, _ = publish_checkpoint(str(src), str(tmp_path / f'net{ext}'))
        assert path == str(tmp_path / f'net-{digest[:8]}{ext}')


def test_a_checkpoint_without_weights_is_named(tmp_path):
    src = tmp_path / 'log.pth'
    torch.save(dict(meta={}, message_hub={}), src)
    for write in (lambda: publish_checkpoint(str(src), str(tmp_path / 'n')),
                  lambda: save_with_state_dict(str(src), str(tmp_path / 'd'),
                                               {})):
        with pytest.raises(ValueError) as error:
            write()
        assert str(error.value) == (f'checkpoint {src} holds no state_dict '
                                    '(its keys: meta, message_hub)')


def test_folders_are_refused(tmp_path):
    src = tmp_path / 'src.pth'
    torch.save(dict(state_dict=dict(w=torch.zeros(2))), src)
    with pytest.raises(ValueError) as error:
        publish_checkpoint(str(src), str(tmp_path))
    assert str(error.value) == (f'{tmp_path} is a folder: give the weights '
                                'file name, e.g. checkpoints/NAME_DATE.pth')
    with pytest.raises(ValueError) as error:
        save_with_state_dict(str(src), str(tmp_path), {})
    assert str(error.value) == (f'{tmp_path} is a folder: give a checkpoint '
                                'file name')


def test_keeps_source_and_merges_meta(tmp_path):
    src = tmp_path / 'src.pth'
    torch.save(dict(state_dict=dict(w=torch.zeros(2)), meta=dict(a=1)), src)
    save_with_state_dict(str(src), str(tmp_path / 'dst.pth'),
                         dict(w=torch.ones(2)), dict(b=2))
    assert torch.equal(weights(tmp_path / 'dst.pth'), torch.ones(2))
    assert load_local_weights_only(str(tmp_path / 'dst.pth'))['meta'] == \
        dict(a=1, b=2)
    assert torch.equal(weights(src), torch.zeros(2))
    save_with_state_dict(str(tmp_path / 'dst.pth'), str(tmp_path / 'e.pth'),
                         dict(w=torch.ones(2)))
    assert load_local_weights_only(str(tmp_path / 'e.pth'))['meta'] == \
        dict(a=1, b=2)
    bare = tmp_path / 'bare.pth'
    torch.save(dict(state_dict=dict(w=torch.zeros(2))), bare)
    save_with_state_dict(str(bare), str(tmp_path / 'f.pth'),
                         dict(w=torch.ones(2)), dict(b=2))
    assert load_local_weights_only(str(tmp_path / 'f.pth'))['meta'] == \
        dict(b=2)


def test_refuses_its_source(tmp_path):
    src = tmp_path / 'src.pth'
    torch.save(dict(state_dict=dict(w=torch.zeros(2))), src)
    with pytest.raises(ValueError) as error:
        save_with_state_dict(str(src), str(tmp_path / '.' / 'src.pth'),
                             dict(w=torch.ones(2)))
    assert str(error.value) == (f'{tmp_path / "." / "src.pth"} is the source '
                                'checkpoint: write the new one to another '
                                'file')
    assert torch.equal(weights(src), torch.zeros(2))
