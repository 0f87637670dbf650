"""``pip install .`` gives a working plugin: the wheel carries the configs,
the model index and the tools in mmseg's ``.mim`` layout (where
``mim search/train/test segnet_mm`` look), an editable install links them
to the checkout, and a config outside the repository inherits ours by the
installed path."""
import importlib.metadata
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import urlparse

import pytest
from mmengine.config import Config

from tests.conftest import REPO_ROOT

LEFT_OUT = ('.git', '.devdata', '.whl', 'build', 'work_dirs', 'data',
            '__pycache__', '*.egg-info', '.pytest_cache', '.mim')


@pytest.fixture(scope='module')
def wheel(tmp_path_factory):
    """The wheel, built from a copy of the checkout (building writes
    segnet_mm/.mim and build/ next to the sources)."""
    tmp = tmp_path_factory.mktemp('wheel')
    src = tmp / 'src'
    shutil.copytree(REPO_ROOT, src,
                    ignore=shutil.ignore_patterns(*LEFT_OUT))
    result = subprocess.run(
        [sys.executable, '-m', 'pip', 'wheel', '-q', '--no-deps',
         '--no-build-isolation', '-w', str(tmp / 'dist'), str(src)],
        capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    wheels = list((tmp / 'dist').glob('segnet_mm-*.whl'))
    assert len(wheels) == 1
    return wheels[0]


def test_wheel_carries_configs_and_model_index(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    configs = [p.relative_to(REPO_ROOT).as_posix()
               for p in (REPO_ROOT / 'configs').rglob('*.py')]
    assert len(configs) > 20
    tools = ['tools/train.py', 'tools/test.py', 'tools/dist_train.sh',
             'tools/analysis_tools/benchmark_int8.py',
             'tools/model_converters/convert_vgg16_bn.py',
             'tools/misc/publish_model.py']
    for path in configs + tools + ['configs/metafile.yaml',
                                   'model-index.yml']:
        assert f'segnet_mm/.mim/{path}' in names, path


def editable_source():
    """The checkout segnet-mm is installed editable from, else None:
    ``setup.py develop`` leaves the egg-info in the checkout, PEP 660
    records the folder in direct_url.json."""
    try:
        dist = importlib.metadata.distribution('segnet-mm')
    except importlib.metadata.PackageNotFoundError:
        return None
    direct = json.loads(dist.read_text('direct_url.json') or '{}')
    if direct.get('dir_info', {}).get('editable'):
        return Path(urlparse(direct['url']).path).resolve()
    location = Path(dist.locate_file('')).resolve()
    return location if (location / 'setup.py').is_file() else None


def test_editable_install_links_the_mim_files():
    """``mim search segnet_mm`` reads segnet_mm/.mim/model-index.yml and
    ``mim train/test segnet_mm`` run segnet_mm/.mim/tools/{train,test}.py
    of the installed package; the editable install the set-up makes
    links them to the checkout's files."""
    if editable_source() != REPO_ROOT:
        pytest.skip('segnet-mm is not installed editable from this '
                    'checkout (pip install -e .)')
    mim = REPO_ROOT / 'segnet_mm' / '.mim'
    for name in ('model-index.yml', 'configs', 'tools'):
        assert (mim / name).is_symlink(), name
        assert (mim / name).resolve() == REPO_ROOT / name, name
    assert (mim / 'tools' / 'train.py').is_file()


def test_user_config_inherits_installed_config(wheel, tmp_path):
    site = tmp_path / 'site'
    zipfile.ZipFile(wheel).extractall(site)
    mim_configs = site / 'segnet_mm' / '.mim' / 'configs'
    user = tmp_path / 'elsewhere' / 'my_segnet.py'
    user.parent.mkdir()
    user.write_text(
        f"_base_ = ['{mim_configs / 'segnet_camvid_cpu.py'}']\n"
        "train_cfg = dict(max_iters=100)\n")
    cfg = Config.fromfile(user)
    assert cfg.model.decode_head.num_classes == 11
    assert cfg.train_cfg.max_iters == 100
    assert cfg.train_dataloader.batch_size == 8
    assert 'segnet_mm' in cfg.custom_imports.imports


def test_one_opencv_distribution():
    """tools/setup_env.sh installs opencv-python (mmcv's and mmengine's
    requirement) and not its headless twin: both write the cv2 package, so
    which one is imported would depend on the install order."""
    installed = set()
    for name in ('opencv-python', 'opencv-python-headless'):
        try:
            importlib.metadata.distribution(name)
            installed.add(name)
        except importlib.metadata.PackageNotFoundError:
            pass
    assert installed == {'opencv-python'}
