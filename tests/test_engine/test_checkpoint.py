"""save_with_state_dict: a copy of a checkpoint with new weights."""
import pytest
import torch

from segnet_mm.engine import load_local_weights_only, save_with_state_dict


def weights(path):
    return load_local_weights_only(str(path))['state_dict']['w']


def test_keeps_source_and_merges_meta(tmp_path):
    src = tmp_path / 'src.pth'
    torch.save(dict(state_dict=dict(w=torch.zeros(2)), meta=dict(a=1)), src)
    save_with_state_dict(str(src), str(tmp_path / 'dst.pth'),
                         dict(w=torch.ones(2)), dict(b=2))
    assert torch.equal(weights(tmp_path / 'dst.pth'), torch.ones(2))
    assert load_local_weights_only(str(tmp_path / 'dst.pth'))['meta'] == \
        dict(a=1, b=2)
    assert torch.equal(weights(src), torch.zeros(2))


def test_refuses_its_source(tmp_path):
    src = tmp_path / 'src.pth'
    torch.save(dict(state_dict=dict(w=torch.zeros(2))), src)
    with pytest.raises(ValueError, match='is the source checkpoint'):
        save_with_state_dict(str(src), str(tmp_path / '.' / 'src.pth'),
                             dict(w=torch.ones(2)))
    assert torch.equal(weights(src), torch.zeros(2))
