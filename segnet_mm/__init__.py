"""SegNet for MMSegmentation: importing this package registers its models,
datasets, metrics and engine parts, and the deployed-model segmentors, in
mmseg's registries."""
from . import (datasets, deployment, engine, evaluation,  # noqa: F401
               models, utils)
from .version import __version__

__all__ = ['__version__']
