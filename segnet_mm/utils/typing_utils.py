"""Type aliases shared across segnet_mm."""
from pathlib import Path
from typing import Union

# A file or directory path, as the user may write it.
PathLike = Union[str, Path]
