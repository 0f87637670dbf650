from typing import List, Optional, Sequence

from mmseg.datasets import BaseSegDataset
from mmseg.registry import DATASETS
from .checks import check_image_dir, check_not_empty, check_pairs


@DATASETS.register_module()
class CamVidDataset(BaseSegDataset):
    """CamVid (Brostow et al., 2008) in the SegNet tutorial's layout.

    ``train/ trainannot/ val/ valannot/ test/ testannot/`` hold 480x360 PNG
    frames and 8-bit label PNGs with labels 0..10 for the classes below and
    11 for void. Void is mapped to 255 on load (through mmseg's
    ``label_map``), so ``ignore_index=255`` in losses and ``IoUMetric``
    ignores it as everywhere else in mmseg. Bad data fails at construction,
    before training, naming every bad file
    (:mod:`segnet_mm.datasets.checks`).

    Args:
        img_suffix (str): Suffix of images. Default: '.png'.
        seg_map_suffix (str): Suffix of label maps. Default: '.png'.
        check_files (bool): Decode every pair at start-up to check it
            (a few seconds for CamVid). Default: True.
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
                 check_files: bool = True,
                 **kwargs) -> None:
        self.check_files = check_files
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

    def load_data_list(self) -> List[dict]:
        """mmseg's directory listing, then the start-up data checks."""
        img_dir = self.data_prefix['img_path']
        check_image_dir(img_dir)
        data_list = super().load_data_list()
        check_not_empty(data_list, img_dir, self.img_suffix)
        if self.check_files:
            check_pairs(data_list, range(self.VOID_LABEL + 1))
        return data_list
