from setuptools import find_packages, setup

setup(
    name='segnet-mm',
    version='0.1.0',
    description='SegNet (Badrinarayanan et al., TPAMI 2017) as an MMSegmentation plugin',
    packages=find_packages(include=['segnet_mm', 'segnet_mm.*']),
    python_requires='>=3.9',
    install_requires=['mmsegmentation==1.2.2', 'mmengine==0.10.7', 'mmcv==2.1.0'],
)
