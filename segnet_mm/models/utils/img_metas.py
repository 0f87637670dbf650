from typing import List

from torch import Tensor

from mmseg.utils import OptSampleList


def batch_img_metas(inputs: Tensor, data_samples: OptSampleList) -> List[dict]:
    """The samples' metainfo, or unpadded full-size metas without samples.

    Args:
        inputs (Tensor): Images, (N, C, H, W).
        data_samples (list[SegDataSample], optional): Their samples.

    Returns:
        list[dict]: One meta per image, as ``EncoderDecoder.inference``
        takes them.
    """
    if data_samples is not None:
        return [sample.metainfo for sample in data_samples]
    shape = inputs.shape[2:]
    return [
        dict(ori_shape=shape, img_shape=shape, pad_shape=shape,
             padding_size=[0, 0, 0, 0]) for _ in range(inputs.shape[0])
    ]
