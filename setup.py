import os
import shutil
import sys
from pathlib import Path

from setuptools import find_packages, setup

ROOT = Path(__file__).resolve().parent
# Shipped inside the package as mmseg ships its own (``mmseg/.mim``), so an
# installed segnet_mm carries its configs, model index and tools, where
# ``mim search/train/test segnet_mm`` look for them.
MIM_FILES = ('configs', 'model-index.yml', 'tools')


def get_version() -> str:
    """``__version__`` of segnet_mm/version.py, without importing the
    package (its imports need the dependencies being installed)."""
    scope = {}
    exec(ROOT.joinpath('segnet_mm', 'version.py').read_text(), scope)
    return scope['__version__']


def add_mim_extension() -> None:
    """Fill ``segnet_mm/.mim`` with ``MIM_FILES``: copies when building a
    wheel or an sdist (``pip install .`` builds a wheel), links to the
    checkout's files for an editable install (``setup.py develop``, or
    PEP 660's ``editable_wheel``)."""
    commands = set(sys.argv)
    link = bool({'develop', 'editable_wheel'} & commands)
    if not link and not {'bdist_wheel', 'sdist'} & commands:
        return
    mim = ROOT / 'segnet_mm' / '.mim'
    shutil.rmtree(mim, ignore_errors=True)
    mim.mkdir()
    for name in MIM_FILES:
        src, dst = ROOT / name, mim / name
        if link:
            dst.symlink_to(os.path.relpath(src, mim))
        elif src.is_dir():
            shutil.copytree(src, dst,
                            ignore=shutil.ignore_patterns('__pycache__'))
        else:
            shutil.copy(src, dst)


add_mim_extension()
setup(
    name='segnet-mm',
    version=get_version(),
    description='SegNet (Badrinarayanan et al., TPAMI 2017) as an '
    'MMSegmentation plugin',
    license='Apache License 2.0',
    packages=find_packages(include=['segnet_mm', 'segnet_mm.*']),
    package_data={
        'segnet_mm': [
            '.mim/model-index.yml', '.mim/configs/*.py',
            '.mim/configs/*.yaml', '.mim/configs/*/*.py',
            '.mim/configs/*/*/*.py', '.mim/tools/*.py',
            '.mim/tools/*/*.py', '.mim/tools/*.sh'
        ]
    },
    python_requires='>=3.9',
    install_requires=[
        'mmsegmentation==1.2.2', 'mmengine==0.10.7', 'mmcv==2.1.0'
    ],
    # ml_dtypes 0.6 (onnx's) needs numpy 2; mmcv 2.1.0's stack here is on
    # numpy 1.
    # openvino: tools/deployment/quantize.py --backend openvino and the .xml
    # models it writes; it quantizes export_onnx's graph, so it builds on
    # the onnx extra (pip install -e .[onnx,openvino]).
    # pt2e: segnet_mm.deployment.pt2e_quantization's int8 quantization through
    # PyTorch's PT2E flow (torchao's x86 Inductor quantizer); running the
    # .pt2 programs it writes needs torch alone.
    extras_require={
        'onnx': ['onnx', 'onnxruntime', 'ml_dtypes<0.6'],
        'openvino': ['openvino==2026.4.1', 'nncf==3.4.0'],
        'pt2e': ['torchao==0.18.0']
    },
)
