"""The convolution that reads the image, which ``float_input_conv`` keeps
in float in every int8 back end: the first convolution of a model, found
the same way in an ONNX graph, an OpenVINO model and a PyTorch module."""
from typing import Iterable, Tuple


def input_conv(ops: Iterable[Tuple[str, bool]], model: str) -> str:
    """The name of the first op that is a convolution.

    Args:
        ops (Iterable[tuple[str, bool]]): (name, is a convolution) per op,
            in the order the model runs them (a graph's topological order,
            ``named_modules``' order).
        model (str): The model, in the error.

    Raises:
        ValueError: naming ``model`` if no op is a convolution.
    """
    for name, is_conv in ops:
        if is_conv:
            return name
    raise ValueError(f'{model} has no convolution')
