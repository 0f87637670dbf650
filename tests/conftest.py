import os.path as osp
from pathlib import Path

import pytest
from mmseg.utils import register_all_modules

from tests.data_utils import write_synthetic_camvid

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_CAMVID = REPO_ROOT.parent / 'shared' / 'camvid'

# Build from mmseg's registries as mmseg's own tests do.
register_all_modules(init_default_scope=True)


@pytest.fixture
def camvid_root(tmp_path) -> Path:
    return write_synthetic_camvid(tmp_path / 'camvid')


@pytest.fixture
def shared_camvid() -> Path:
    if not osp.isdir(SHARED_CAMVID / 'train'):
        pytest.skip(f'real CamVid not found at {SHARED_CAMVID}')
    return SHARED_CAMVID
