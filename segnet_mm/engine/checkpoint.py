"""Weights-only checkpoint loading that still resumes mmengine runs.

torch >= 2.6 loads with ``weights_only=True``: only tensors, containers and
allow-listed globals. mmengine 0.10.7's checkpoints also hold its
``HistoryBuffer`` logs (numpy arrays) and pickle the buffer's statistics
functions by name, which would need ``builtins.getattr`` allowed.
:func:`load_local_weights_only`:

* allow-lists, only while it loads, exactly the numpy and ``HistoryBuffer``
  types a checkpoint of ours needs (``SAFE_GLOBALS``), never ``getattr``
  and never full pickle;
* loads local files explicitly weights-only, and turns torch's refusal into
  an error that names the file.

:func:`enable_safe_checkpoints` makes it mmengine's loader for local files
and stops ``HistoryBuffer`` pickling its four built-in statistics (they
are class-level and re-registered on load anyway), so new checkpoints need
no ``getattr``. It changes the process, so it runs only where asked:
``SafeCheckpointHook`` (in our runtime config, for any Runner: train,
test, resume, mmseg's own tools), ``tools/train.py`` and ``tools/test.py``
(also for configs whose own ``custom_hooks`` leave the hook out) and
``segnet_mm.apis.init_segmentor`` (demo, uncertainty, ONNX export) call
it; importing segnet_mm does not.

:func:`publish_checkpoint` turns a training checkpoint into the weights
file a model zoo ships (``tools/misc/publish_model.py``);
:func:`save_with_state_dict` writes a checkpoint's copy with new weights
(``tools/analysis_tools/recompute_bn.py``).
"""
import hashlib
import importlib
import io
import os
import os.path as osp
import pickle
import re
from typing import Dict, Optional, Tuple

import numpy as np
import torch
from mmengine.logging import HistoryBuffer
from mmengine.runner.checkpoint import CheckpointLoader
from torch import Tensor

# numpy >= 2 keeps these in numpy._core (numpy.core is a deprecated alias);
# numpy 1.26 has numpy._core as an alias of numpy.core.
_multiarray = importlib.import_module('numpy._core.multiarray')
_BUILTIN_STATISTICS = ('min', 'max', 'current', 'mean')
_NUMPY_DTYPES = (np.float64, np.float32, np.float16, np.int64, np.int32,
                 np.uint8, np.bool_)

SAFE_GLOBALS = [
    HistoryBuffer,
    np.ndarray,
    np.dtype,
    _multiarray._reconstruct,
    _multiarray.scalar,
    *(type(np.dtype(t)) for t in _NUMPY_DTYPES),
]


def _history_buffer_getstate(self) -> dict:
    """``HistoryBuffer`` state with only user-registered statistics."""
    state = dict(self.__dict__)
    custom = {
        name: fn
        for name, fn in self._statistics_methods.items()
        if name not in _BUILTIN_STATISTICS
    }
    state.pop('statistics_methods', None)
    if custom:
        state['statistics_methods'] = custom
    return state


def load_local_weights_only(filename: str, map_location=None):
    """Load a local checkpoint with ``torch.load(weights_only=True)``.

    Raises:
        FileNotFoundError: if ``filename`` does not exist.
        RuntimeError: naming the file, if it holds objects outside the
            allow-list (tensors, containers, numpy arrays, HistoryBuffer),
            naming the refused type, or if it is not a readable
            checkpoint.
    """
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'checkpoint {filename} can not be found.')
    try:
        with torch.serialization.safe_globals(SAFE_GLOBALS):
            return torch.load(
                filename, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as err:
        # torch's message explains weights_only at length; the refused
        # type is in its "Unsupported global: GLOBAL x.y" line.
        refused = re.search(r'GLOBAL (\S+)', str(err))
        raise RuntimeError(
            f'refusing to load checkpoint {filename}: it holds '
            f'{refused.group(1) if refused else "an object"}, outside what '
            'segnet-mm checkpoints contain (tensors, containers, numpy '
            'arrays, mmengine HistoryBuffer). Load it with '
            'torch.load(weights_only=False) yourself only if you trust its '
            'source.') from err
    except RuntimeError as err:
        raise RuntimeError(
            f'can not read checkpoint {filename}: {err}') from err


def enable_safe_checkpoints() -> None:
    """Stop ``HistoryBuffer`` pickling its built-in statistics, and load
    local checkpoints through :func:`load_local_weights_only` (mmengine's
    ``CheckpointLoader``), for the rest of the process. Idempotent."""
    HistoryBuffer.__getstate__ = _history_buffer_getstate
    CheckpointLoader.register_scheme(
        prefixes='', loader=load_local_weights_only, force=True)


# What a published checkpoint keeps of a training one: the weights and the
# run's meta (config, dataset classes and palette, seed, iteration).
PUBLISHED_KEYS = ('meta', 'state_dict')


def publish_checkpoint(src: str, dst: str) -> Tuple[str, str]:
    """Save ``src``'s weights and meta, without the optimizer state, the
    message hub and the schedulers, as ``dst`` with the first 8 hex digits
    of the file's sha256 after its stem (mmseg's zoo names:
    ``NAME-1a2b3c4d.pth``; ``.pth`` is added where ``dst`` ends in neither
    ``.pth`` nor ``.pt``). The hash depends on the content only, and no
    partial file is left if writing fails. Returns the path written and its
    sha256.

    Raises:
        ValueError: if ``dst`` is a folder, or ``src`` holds no
            ``state_dict`` (naming the file and its keys).
    """
    _refuse_folder(dst, 'the weights file name, e.g. '
                   'checkpoints/NAME_DATE.pth')
    checkpoint = _load_with_weights(src)
    buffer = io.BytesIO()
    torch.save({k: checkpoint[k]
                for k in PUBLISHED_KEYS if k in checkpoint}, buffer)
    data = buffer.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    stem, ext = osp.splitext(dst)
    if ext not in ('.pth', '.pt'):
        stem, ext = dst, '.pth'
    final = f'{stem}-{digest[:8]}{ext}'
    _write_whole(data, final)
    return final, digest


def save_with_state_dict(src: str, dst: str, state_dict: Dict[str, Tensor],
                         meta: Optional[dict] = None) -> None:
    """Save ``src``'s checkpoint as ``dst`` with ``state_dict`` in place of
    its weights and ``meta`` merged into its meta; ``src`` is not touched,
    and no partial ``dst`` is left if writing fails.

    Raises:
        ValueError: if ``dst`` is ``src`` or a folder, or ``src`` holds no
            ``state_dict``, naming the file.
    """
    _refuse_folder(dst, 'a checkpoint file name')
    if osp.exists(dst) and osp.samefile(src, dst):
        raise ValueError(f'{dst} is the source checkpoint: write the new '
                         'one to another file')
    checkpoint = _load_with_weights(src)
    checkpoint['state_dict'] = state_dict
    checkpoint['meta'] = {**checkpoint.get('meta', {}), **(meta or {})}
    buffer = io.BytesIO()
    torch.save(checkpoint, buffer)
    _write_whole(buffer.getvalue(), dst)


def _refuse_folder(dst: str, wanted: str) -> None:
    """Raise ValueError if ``dst`` names a folder, saying what is
    ``wanted`` instead."""
    if dst.endswith(os.sep) or osp.isdir(dst):
        raise ValueError(f'{dst} is a folder: give {wanted}')


def _load_with_weights(src: str) -> dict:
    """The checkpoint ``src``, which must hold a ``state_dict``."""
    checkpoint = load_local_weights_only(src, map_location='cpu')
    if 'state_dict' not in checkpoint:
        raise ValueError(f'checkpoint {src} holds no state_dict (its keys: '
                         f'{", ".join(map(str, checkpoint))})')
    return checkpoint


def _write_whole(data: bytes, path: str) -> None:
    """Write ``data`` to ``path`` through a partial file moved into place,
    so ``path`` holds either all of it or what it held before."""
    partial = f'{path}.part'
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    try:
        with open(partial, 'wb') as file:
            file.write(data)
        os.replace(partial, path)
    finally:
        if osp.exists(partial):
            os.remove(partial)
