"""The CPU as Linux's /proc/cpuinfo describes it: its model name for the
speed tables, its instruction-set flags for int8 and bf16 support."""
import platform
from pathlib import Path
from typing import NamedTuple

from .typing_utils import PathLike

# What decides int8 and bf16 inference speed on x86: AVX2 and AVX-512
# kernels, int8 dot products (VNNI, AMX-INT8), bf16 (AVX512-BF16, AMX-BF16).
SPEED_FLAGS = ('avx2', 'avx512f', 'avx512_vnni', 'avx_vnni', 'avx512_bf16',
               'amx_tile', 'amx_int8', 'amx_bf16')


class CpuInfo(NamedTuple):
    """The CPU as Linux's /proc/cpuinfo describes it.

    Attributes:
        model (str): Its ``model name``; Python's ``platform`` name where
            cpuinfo has none (or can not be read).
        flags (frozenset[str]): Its instruction-set flags.
        known (bool): False where /proc/cpuinfo can not be read.
    """
    model: str
    flags: frozenset
    known: bool

    def describe(self) -> str:
        """Model name and which of ``SPEED_FLAGS`` it has."""
        if not self.known:
            return 'unknown (no /proc/cpuinfo)'
        marks = ', '.join(f'{flag} {"yes" if flag in self.flags else "no"}'
                          for flag in SPEED_FLAGS)
        return f'{self.model} ({marks})'


def read_cpuinfo(cpuinfo: PathLike = '/proc/cpuinfo') -> CpuInfo:
    """The CPU's model name and flags from Linux's cpuinfo."""
    model = platform.processor() or platform.machine() or 'unknown'
    try:
        text = Path(cpuinfo).read_text()
    except OSError:
        return CpuInfo(model, frozenset(), False)
    flags = set()
    for line in text.splitlines():
        key, _, value = line.partition(':')
        if key.strip() == 'model name':
            model = value.strip()
        elif key.strip() == 'flags':
            flags.update(value.split())
    return CpuInfo(model, frozenset(flags), True)
