from pathlib import Path

from setuptools import find_packages, setup


def get_version() -> str:
    """``__version__`` of segnet_mm/version.py, without importing the
    package (its imports need the dependencies being installed)."""
    scope = {}
    exec(Path(__file__).with_name('segnet_mm').joinpath(
        'version.py').read_text(), scope)
    return scope['__version__']


setup(
    name='segnet-mm',
    version=get_version(),
    description='SegNet (Badrinarayanan et al., TPAMI 2017) as an MMSegmentation plugin',
    packages=find_packages(include=['segnet_mm', 'segnet_mm.*']),
    python_requires='>=3.9',
    install_requires=['mmsegmentation==1.2.2', 'mmengine==0.10.7', 'mmcv==2.1.0'],
)
