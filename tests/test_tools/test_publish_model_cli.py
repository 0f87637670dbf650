"""tools/misc/publish_model.py: a training checkpoint becomes a weights
file named by its hash, loadable weights-only with no allow-list."""
import hashlib
import os

import pytest
import torch
from mmengine.logging import MessageHub

from segnet_mm.engine import enable_safe_checkpoints, publish_checkpoint
from tests.utils import run_tool

TOOL = 'tools/misc/publish_model.py'


def training_checkpoint(path):
    """What mmengine's CheckpointHook saves: weights, meta, optimizer
    state, schedulers and the message hub (HistoryBuffer logs)."""
    enable_safe_checkpoints()
    hub = MessageHub('publish_test')
    hub.update_scalar('train/loss', 1.5)
    weights = dict(conv=torch.randn(4, 3, 3, 3))
    torch.save(
        dict(meta=dict(iter=3000, dataset_meta=dict(classes=('a', 'b'))),
             state_dict=weights,
             optimizer=dict(state={0: dict(momentum_buffer=torch.ones(4))}),
             param_schedulers=[dict(last_step=3000)],
             message_hub=hub.state_dict()), path)
    return weights


def test_keeps_weights_and_meta_names_the_file_by_its_hash(tmp_path):
    weights = training_checkpoint(tmp_path / 'iter_3000.pth')
    with pytest.raises(Exception, match='HistoryBuffer'):
        torch.load(tmp_path / 'iter_3000.pth', weights_only=True)
    out = run_tool(TOOL, tmp_path / 'iter_3000.pth',
                   tmp_path / 'model_20261205.pth')
    published, = tmp_path.glob('model_20261205-*.pth')
    digest = hashlib.sha256(published.read_bytes()).hexdigest()
    assert published.stem == f'model_20261205-{digest[:8]}'
    assert f'sha256 {digest}' in out and str(published) in out
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ['iter_3000.pth', published.name])
    # Plain weights-only torch.load, no allow-listed types needed.
    loaded = torch.load(published, weights_only=True)
    assert sorted(loaded) == ['meta', 'state_dict']
    assert loaded['meta']['iter'] == 3000
    assert torch.equal(loaded['state_dict']['conv'], weights['conv'])


def test_hash_depends_on_the_content_only(tmp_path):
    training_checkpoint(tmp_path / 'iter_3000.pth')
    first, digest = publish_checkpoint(str(tmp_path / 'iter_3000.pth'),
                                       str(tmp_path / 'a' / 'one.pth'))
    second, same = publish_checkpoint(str(tmp_path / 'iter_3000.pth'),
                                      str(tmp_path / 'b' / 'segnet_v1.2'))
    assert same == digest
    assert second == f'{tmp_path}/b/segnet_v1.2-{digest[:8]}.pth'


def test_refuses_a_file_without_weights_or_a_folder(tmp_path):
    torch.save(dict(meta=dict(iter=1)), tmp_path / 'meta_only.pth')
    with pytest.raises(ValueError,
                       match=f'{tmp_path}/meta_only.pth holds no state_dict'):
        publish_checkpoint(str(tmp_path / 'meta_only.pth'),
                           str(tmp_path / 'out.pth'))
    with pytest.raises(ValueError, match='is a folder'):
        publish_checkpoint(str(tmp_path / 'meta_only.pth'), str(tmp_path))
    assert [p.name for p in tmp_path.iterdir()] == ['meta_only.pth']


def test_leaves_no_partial_file(tmp_path, monkeypatch):
    training_checkpoint(tmp_path / 'iter_3000.pth')

    def disk_full(*args):
        raise OSError('No space left on device')

    monkeypatch.setattr(os, 'replace', disk_full)
    with pytest.raises(OSError, match='No space'):
        publish_checkpoint(str(tmp_path / 'iter_3000.pth'),
                           str(tmp_path / 'out.pth'))
    assert [p.name for p in tmp_path.iterdir()] == ['iter_3000.pth']
