"""WeightedCrossEntropyLoss against PyTorch's weighted, ignoring CE."""
import pytest
import torch
import torch.nn.functional as F

from segnet_mm.models.losses import WeightedCrossEntropyLoss

WEIGHT = [0.3, 1.0, 4.5, 0.2, 9.6]


def inputs(seed=0, void_fraction=0.3):
    g = torch.Generator().manual_seed(seed)
    logits = torch.randn(2, 5, 6, 7, generator=g)
    label = torch.randint(0, 5, (2, 6, 7), generator=g)
    label[torch.rand(2, 6, 7, generator=g) < void_fraction] = 255
    return logits, label


def test_matches_pytorch_weighted_mean():
    logits, label = inputs()
    loss = WeightedCrossEntropyLoss(class_weight=WEIGHT)
    expected = F.cross_entropy(logits, label, weight=torch.tensor(WEIGHT),
                               ignore_index=255)
    torch.testing.assert_close(loss(logits, label, ignore_index=255),
                               expected)


def test_ignore_index_defaults_to_255():
    """Heads that pass no ignore_index (mmseg's DDRHead) still ignore
    void."""
    logits, label = inputs(1)
    loss = WeightedCrossEntropyLoss(class_weight=WEIGHT)
    torch.testing.assert_close(loss(logits, label),
                               loss(logits, label, ignore_index=255))


def test_all_void_batch_is_zero_not_nan():
    logits, label = inputs(2, void_fraction=1.0)
    logits.requires_grad_(True)
    value = WeightedCrossEntropyLoss(class_weight=WEIGHT)(logits, label)
    value.backward()
    assert value.item() == 0
    assert torch.isfinite(logits.grad).all()


@pytest.mark.parametrize('avg_non_ignore', [False, True])
def test_unweighted_matches_mmseg_convention(avg_non_ignore):
    """Without class weights the mean is mmseg's: over every pixel, or
    over the labelled ones with avg_non_ignore."""
    logits, label = inputs(3)
    loss = WeightedCrossEntropyLoss(avg_non_ignore=avg_non_ignore)
    per_pixel = F.cross_entropy(logits, label, ignore_index=255,
                                reduction='none')
    count = (label != 255).sum() if avg_non_ignore else label.numel()
    torch.testing.assert_close(loss(logits, label), per_pixel.sum() / count)


def test_weighted_mean_ignores_avg_non_ignore_flag():
    """With class weights the mean is PyTorch's weighted mean either
    way."""
    logits, label = inputs(4)
    a = WeightedCrossEntropyLoss(class_weight=WEIGHT, avg_non_ignore=True)
    b = WeightedCrossEntropyLoss(class_weight=WEIGHT, avg_non_ignore=False)
    torch.testing.assert_close(a(logits, label), b(logits, label))


def test_refuses_sigmoid():
    with pytest.raises(ValueError, match='softmax loss'):
        WeightedCrossEntropyLoss(use_sigmoid=True)


def test_normalize_by_labelled_pixels_as_caffe():
    """Caffe's SoftmaxWithLoss (normalize: true), worked by hand: uniform
    logits over 2 classes give -log p = log 2 per pixel; labels 0, 0, 1
    and one void with weights 2 and 0.5 sum to (2 + 2 + 0.5) log 2, over 3
    labelled pixels; PyTorch's mean divides by the summed weight 4.5."""
    logits = torch.zeros(1, 2, 1, 4)
    label = torch.tensor([[[0, 0, 1, 255]]])
    log2 = torch.tensor(2.0).log()
    caffe = WeightedCrossEntropyLoss(
        class_weight=[2.0, 0.5], normalize='labelled_pixels')
    pytorch = WeightedCrossEntropyLoss(class_weight=[2.0, 0.5])
    torch.testing.assert_close(caffe(logits, label), 4.5 * log2 / 3)
    torch.testing.assert_close(pytorch(logits, label), log2)


def test_labelled_pixels_matches_weighted_sum_over_count():
    logits, label = inputs(5)
    loss = WeightedCrossEntropyLoss(
        class_weight=WEIGHT, normalize='labelled_pixels')
    per_pixel = F.cross_entropy(logits, label, weight=torch.tensor(WEIGHT),
                                ignore_index=255, reduction='none')
    torch.testing.assert_close(
        loss(logits, label), per_pixel.sum() / (label != 255).sum())


def test_labelled_pixels_all_void_is_zero():
    logits, label = inputs(6, void_fraction=1.0)
    loss = WeightedCrossEntropyLoss(
        class_weight=WEIGHT, normalize='labelled_pixels')
    assert loss(logits, label).item() == 0


def test_refuses_unknown_normalize():
    with pytest.raises(ValueError, match="normalize.*'count'"):
        WeightedCrossEntropyLoss(normalize='count')
