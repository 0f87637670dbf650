"""SegNet for MMSegmentation: importing this package registers its models,
datasets, metrics and engine parts in mmseg's registries."""
from . import datasets, engine, evaluation, models, utils  # noqa: F401
from .version import __version__

__all__ = ['__version__']
