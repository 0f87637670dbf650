"""The weights shipped in checkpoints/: their recorded hash, the metafile's
pointer to them, and a score above a floor on real CamVid test frames."""
import hashlib
import re

import numpy as np
import pytest
import yaml
from PIL import Image
from mmseg.apis import inference_model

from segnet_mm.apis import init_segmentor
from segnet_mm.engine import load_local_weights_only
from tests.conftest import REPO_ROOT

CHECKPOINTS = REPO_ROOT / 'checkpoints'
SHIPPED = sorted(CHECKPOINTS.glob('*.pth'))
# Test frames from three CamVid sequences; weight averaging.
FRAMES = ('0001TP_008550', 'Seq05VD_f02370', '0001TP_009510')


def shipped_models():
    """Metafile entries with weights: {name: (config, weights)}."""
    meta = yaml.safe_load((REPO_ROOT / 'configs/metafile.yaml').read_text())
    return {
        m['Name']: (m['Config'], m['Weights'])
        for m in meta['Models'] if 'Weights' in m
    }


def test_shipped_checkpoints():
    assert [p.name for p in SHIPPED] == [
        'bayesian-segnet-basic_camvid_20261207-32209112.pth',
        'bayesian-segnet-basic_camvid_cpu_20261207-4dbd0752.pth'
    ]


@pytest.mark.parametrize('path', SHIPPED, ids=lambda p: p.name)
def test_sha256_as_recorded(path):
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert path.stem.endswith(digest[:8])
    readme = (CHECKPOINTS / 'README.md').read_text()
    assert re.search(rf'`{path.name}`.*`{digest}`', readme), \
        f'checkpoints/README.md does not record {path.name} as {digest}'


def test_metafile_points_at_the_shipped_weights():
    """Each shipped file beside the config it was trained with."""
    assert shipped_models() == {
        'bayesian-segnet-basic_camvid':
        ('configs/bayesian-segnet-basic_camvid.py',
         'checkpoints/' + SHIPPED[0].name),
        'bayesian-segnet-basic_camvid_cpu':
        ('configs/bayesian-segnet-basic_camvid_cpu.py',
         'checkpoints/' + SHIPPED[1].name),
    }


# Pixel accuracy on FRAMES, weight averaging, 2026-12-07: 75.3% with the
# GPU weights, 66.3% with the CPU ones (both with recomputed BN statistics).
FLOORS = {
    'bayesian-segnet-basic_camvid': 0.72,
    'bayesian-segnet-basic_camvid_cpu': 0.63
}


@pytest.mark.parametrize('name', sorted(shipped_models()))
def test_scores_above_floor_on_real_frames(shared_camvid, name):
    config, weights = shipped_models()[name]
    model = init_segmentor(
        REPO_ROOT / config, REPO_ROOT / weights,
        cfg_options={'model.mc_samples': 1})
    correct = valid = 0
    for frame in FRAMES:
        result = inference_model(model, str(shared_camvid / 'test' /
                                            f'{frame}.png'))
        pred = result.pred_sem_seg.data[0].numpy()
        label = np.asarray(
            Image.open(shared_camvid / 'testannot' / f'{frame}.png'))
        keep = label < 11
        correct += int((pred[keep] == label[keep]).sum())
        valid += int(keep.sum())
    assert correct / valid > FLOORS[name]


@pytest.mark.parametrize('path', SHIPPED, ids=lambda p: p.name)
def test_shipped_weights_carry_recomputed_bn_statistics(path):
    """tools/analysis_tools/recompute_bn.py's record, which
    tools/misc/publish_model.py keeps."""
    meta = load_local_weights_only(str(path))['meta']
    assert meta['bn_statistics']['num_batches'] > 0
