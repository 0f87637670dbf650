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


@pytest.fixture(scope='session')
def small_config(tmp_path_factory) -> str:
    """A small SegNet config (tests.utils.write_small_config) on file."""
    from tests.utils import write_small_config
    return str(write_small_config(tmp_path_factory.mktemp('cfg') /
                                  'small.py'))


@pytest.fixture
def convs(monkeypatch):
    """The convolutions run from here on (tests.utils.record_convs)."""
    from tests.utils import record_convs
    return record_convs(monkeypatch)


@pytest.fixture
def cityscapes():
    from tests.utils import small_cityscapes_config
    return small_cityscapes_config()
