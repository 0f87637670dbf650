"""tools/analysis_tools/recompute_bn.py writes a new checkpoint with
recomputed BN statistics and leaves its source alone."""
import hashlib

import torch

from segnet_mm.engine import load_local_weights_only
from tests.utils import SMALL_MODEL, data_options, run_tool, \
    save_small_checkpoint

CONFIG = 'configs/segnet_camvid.py'


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_writes_new_statistics_and_keeps_the_source(tmp_path, camvid_root):
    source = save_small_checkpoint(tmp_path / 'src.pth')
    before = digest(source)
    out = run_tool('tools/analysis_tools/recompute_bn.py', CONFIG, source,
                   '--out', tmp_path / 'bn.pth', '--num-batches', '1',
                   '--cfg-options', *SMALL_MODEL, *data_options(camvid_root))
    assert 'BN statistics over 1 training batches (dropout off)' in out
    assert digest(source) == before
    old = load_local_weights_only(str(source))
    new = load_local_weights_only(str(tmp_path / 'bn.pth'))
    assert new['meta']['bn_statistics'] == dict(
        num_batches=1, dropout=False, seed=0)
    assert new['meta']['dataset_meta'] == old['meta']['dataset_meta']
    for key, value in old['state_dict'].items():
        same = torch.equal(value, new['state_dict'][key])
        # A fresh init's statistics are 0 and 1; the data's are not.
        assert same != key.endswith(('running_mean', 'running_var')), key


def test_refuses_to_overwrite_its_source(tmp_path, camvid_root):
    source = save_small_checkpoint(tmp_path / 'src.pth')
    before = digest(source)
    out = run_tool('tools/analysis_tools/recompute_bn.py', CONFIG, source,
                   '--out', source, '--num-batches', '1', '--cfg-options',
                   *SMALL_MODEL, *data_options(camvid_root), fails=True)
    assert 'is the source checkpoint' in out
    assert digest(source) == before
