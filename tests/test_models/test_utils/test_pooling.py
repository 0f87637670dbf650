import pytest
import torch
import torch.nn.functional as F

from segnet_mm.models.utils import max_pool2x2, max_unpool2x2, window_codes


@pytest.mark.parametrize('size', [(8, 8), (45, 60), (23, 31), (7, 10)])
@pytest.mark.parametrize('channels_last', [False, True])
def test_compact_unpool_equals_max_unpool2d(size, channels_last):
    x = torch.randn(2, 5, *size)
    if channels_last:
        x = x.to(memory_format=torch.channels_last)
    plain = max_pool2x2(x, compact=False)
    compact = max_pool2x2(x, compact=True)
    assert compact.indices.dtype == torch.uint8
    assert compact.size == plain.size == size
    assert int(compact.indices.max()) <= 3
    torch.testing.assert_close(compact.feat, plain.feat)
    expected = F.max_unpool2d(plain.feat, plain.indices, 2, 2,
                              output_size=size)
    got = max_unpool2x2(compact.feat, compact.indices, compact.size)
    assert got.shape == expected.shape == (2, 5, *size)
    assert torch.equal(got, expected)
    assert torch.equal(
        max_unpool2x2(plain.feat, plain.indices, plain.size), expected)


def test_compact_unpool_backward_matches():
    x = torch.randn(1, 3, 9, 13)
    pooled = max_pool2x2(x, compact=False)
    codes = window_codes(pooled.indices, 13)
    a = pooled.feat.detach().requires_grad_()
    b = pooled.feat.detach().requires_grad_()
    grad = torch.randn(1, 3, 9, 13)
    F.max_unpool2d(a, pooled.indices, 2, 2, output_size=(9, 13)).backward(grad)
    max_unpool2x2(b, codes, (9, 13)).backward(grad)
    assert torch.equal(a.grad, b.grad)


def test_window_codes_by_hand():
    # 4x4 plane: maxima at (0,1), (1,2), (3,0), (2,3) -> codes 1, 2, 2, 1.
    x = torch.zeros(1, 1, 4, 4)
    for r, c in [(0, 1), (1, 2), (3, 0), (2, 3)]:
        x[0, 0, r, c] = 1
    pooled = max_pool2x2(x)
    assert pooled.indices.flatten().tolist() == [1, 2, 2, 1]
    assert torch.equal(pooled.feat, torch.ones(1, 1, 2, 2))


def test_compact_unpool_runs_deterministic():
    x = torch.randn(1, 2, 6, 6)
    pooled = max_pool2x2(x)
    torch.use_deterministic_algorithms(True)
    try:
        out = max_unpool2x2(pooled.feat, pooled.indices, pooled.size)
    finally:
        torch.use_deterministic_algorithms(False)
    assert out.shape == x.shape
