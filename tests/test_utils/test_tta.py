"""flip_tta_pipeline: each image's prediction averaged with its horizontal
flip's, at the test pipeline's resolution."""
import pytest
import torch
from mmengine.dataset import pseudo_collate

from mmseg.registry import MODELS
from segnet_mm.utils import flip_tta_pipeline
from tests.utils import build_camvid, small_config


def test_flip_tta_pipeline_keeps_the_resizes_and_packs_each_view():
    load = dict(type='LoadImageFromFile')
    resize = dict(type='Resize', scale=(360, 270), keep_ratio=True)
    pipeline = flip_tta_pipeline(
        [load, resize,
         dict(type='LoadAnnotations'),
         dict(type='PackSegInputs')])
    assert pipeline[0] == load
    assert pipeline[1]['type'] == 'TestTimeAug'
    assert pipeline[1]['transforms'] == [
        [resize],
        [
            dict(type='RandomFlip', prob=0., direction='horizontal'),
            dict(type='RandomFlip', prob=1., direction='horizontal')
        ], [dict(type='LoadAnnotations')], [dict(type='PackSegInputs')]
    ]


@pytest.mark.parametrize('pipeline', [[], [dict(type='Resize')]])
def test_flip_tta_pipeline_needs_load_image_first(pipeline):
    with pytest.raises(ValueError, match='must start with LoadImageFromFile'):
        flip_tta_pipeline(pipeline)


def test_flip_tta_averages_the_views_flipped_back(camvid_root):
    """SegTTAModel over the flip pipeline predicts the argmax of the mean
    softmax of the model on the image and of its output on the
    horizontally flipped image, flipped back; the merged sample keeps
    that flipped-back output as its seg_logits."""
    cfg = small_config()
    torch.manual_seed(0)
    tta = MODELS.build(dict(type='SegTTAModel', module=cfg.model)).eval()
    tta.module.decode_head.conv_seg.bias.data.zero_()  # argmax not constant
    dataset = build_camvid(
        camvid_root, 'test',
        pipeline=flip_tta_pipeline(cfg.test_dataloader.dataset.pipeline))
    data = pseudo_collate([dataset[0]])
    img, sample = data['inputs'][0][0], data['data_samples'][0][0]
    assert not sample.flip
    with torch.no_grad():
        merged = tta.test_step(data)[0]
        plain = tta.module.test_step(
            dict(inputs=[img], data_samples=[sample.clone()]))[0]
        flipped = tta.module.test_step(
            dict(inputs=[img.flip(-1)], data_samples=[sample.clone()]))[0]
    logits = plain.seg_logits.data
    back = flipped.seg_logits.data.flip(-1)
    assert (logits.argmax(0) != back.argmax(0)).any()
    torch.testing.assert_close(merged.seg_logits.data, back)
    mean = (logits.softmax(0) + back.softmax(0)) / 2
    assert torch.equal(merged.pred_sem_seg.data[0], mean.argmax(0))
