from typing import Optional, Sequence

from mmseg.datasets import BaseSegDataset
from mmseg.registry import DATASETS


@DATASETS.register_module()
class CamVidDataset(BaseSegDataset):
    """CamVid (Brostow et al., 2008) in the SegNet tutorial's layout.

    ``train/ trainannot/ val/ valannot/ test/ testannot/`` hold 480x360 PNG
    frames and 8-bit label PNGs with labels 0..10 for the classes below and
    11 for void. Void is mapped to 255 on load (through mmseg's
    ``label_map``), so ``ignore_index=255`` in losses and ``IoUMetric``
    ignores it as everywhere else in mmseg.

    Args:
        img_suffix (str): Suffix of images. Default: '.png'.
        seg_map_suffix (str): Suffix of label maps. Default: '.png'.
        **kwargs: ``BaseSegDataset``'s arguments (``data_root``,
            ``data_prefix``, ``pipeline`` ...).
    """
    METAINFO = dict(
        classes=('Sky', 'Building', 'Pole', 'Road', 'Pavement', 'Tree',
                 'SignSymbol', 'Fence', 'Car', 'Pedestrian', 'Bicyclist'),
        palette=[[128, 128, 128], [128, 0, 0], [192, 192, 128],
                 [128, 64, 128], [60, 40, 222], [128, 128, 0],
                 [192, 128, 128], [64, 64, 128], [64, 0, 128], [64, 64, 0],
                 [0, 128, 192]])
    VOID_LABEL = 11

    def __init__(self,
                 img_suffix: str = '.png',
                 seg_map_suffix: str = '.png',
                 **kwargs) -> None:
        super().__init__(
            img_suffix=img_suffix, seg_map_suffix=seg_map_suffix, **kwargs)

    @classmethod
    def get_label_map(cls,
                      new_classes: Optional[Sequence] = None
                      ) -> Optional[dict]:
        """mmseg's class-subset map, with void (11) sent to 255."""
        label_map = super().get_label_map(new_classes) or {
            i: i
            for i in range(len(cls.METAINFO['classes']))
        }
        return {**label_map, cls.VOID_LABEL: 255}
