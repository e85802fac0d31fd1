"""Lowering of data movement: views (view/reshape/squeeze/unsqueeze, and their functionalized
_copy twins), permute/transpose/t, expand, cat, split/split_with_sizes/unbind, slice, select,
index_select, index.Tensor, embedding, gather, constant_pad_nd (padding and cropping), slice_scatter,
select_scatter, repeat, flip, clone, as_strided.

Data movement is exact: fast mode compares exactly, faithful mode compares exactly against eager
on the bf16-rounded inputs."""

import pytest
import torch
import torch.nn.functional as F
from lowering_check import compile_and_check

# Integer and bool graph inputs reach the program as INT32 / UINT8 host tensors, but Program::run
# checks them against the ATen dtype (i64 / b8). Shared bug (src/graph/program.cpp), reported.
# fx_import.py takes a `List[Tensor]` return (split_with_sizes, split) for one tensor. Shared bug,
# reported: returns_list should test isinstance(returns[0].type, torch.ListType).


def check_exact(fn, inputs, device, **kw):
    """Fast: bit-exact. Faithful: exact against eager on bf16-rounded float inputs."""
    compile_and_check(fn, inputs, device, exact=True, numerics="fast", **kw)
    torch._dynamo.reset()
    got, _ = compile_and_check(fn, inputs, device, **kw)
    rounded = [t.to(torch.bfloat16).float() if t.is_floating_point() else t for t in inputs]
    with torch.no_grad():
        want = fn(*rounded)
    got = got if isinstance(got, (list, tuple)) else [got]
    want = want if isinstance(want, (list, tuple)) else [want]
    for g, w in zip(got, want):
        assert torch.equal(g, w)


@pytest.mark.parametrize("shape,fn", [
    ((2, 3, 5), lambda x: x.view(6, 5)),
    ((2, 3, 5), lambda x: x.reshape(-1)),
    ((4, 7), lambda x: x.view(2, 2, 7, 1)),
    ((2, 3, 5), lambda x: torch.flatten(x, 1)),
], ids=["view", "reshape_flat", "view_expand_rank", "flatten"])
def test_view(device, shape, fn):
    check_exact(fn, [torch.randn(*shape)], device)


@pytest.mark.parametrize("fn", [
    lambda x: x.unsqueeze(0),
    lambda x: x.unsqueeze(-1),
    lambda x: x.unsqueeze(1).squeeze(1),
    lambda x: x.view(1, 3, 1, 5).squeeze(),
    lambda x: x.view(1, 3, 1, 5).squeeze((0, 2)),
], ids=["unsq0", "unsq_last", "squeeze_dim", "squeeze_all", "squeeze_dims"])
def test_squeeze_unsqueeze(device, fn):
    check_exact(fn, [torch.randn(3, 5)], device)


@pytest.mark.parametrize("shape,fn", [
    ((2, 3, 5), lambda x: x.permute(2, 0, 1)),
    ((2, 3, 5, 7), lambda x: x.permute(0, 2, 3, 1)),
    ((3, 5), lambda x: x.t()),
    ((2, 3, 5), lambda x: x.transpose(0, 2)),
    ((2, 3, 5), lambda x: x.transpose(-1, -2)),
], ids=["permute3", "permute_nhwc", "t", "transpose02", "transpose_neg"])
def test_permute_transpose(device, shape, fn):
    check_exact(fn, [torch.randn(*shape)], device)


@pytest.mark.parametrize("shape,fn", [
    ((3, 1), lambda x: x.expand(3, 5)),
    ((1, 4, 1), lambda x: x.expand(2, -1, 3)),
    ((5,), lambda x: x.expand(2, 3, 5)),
], ids=["expand2d", "expand_keep", "expand_lead"])
def test_expand(device, shape, fn):
    check_exact(fn, [torch.randn(*shape)], device)


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_cat(device, dim):
    a, b, c = torch.randn(2, 3, 5), torch.randn(2, 3, 5), torch.randn(2, 3, 5)
    check_exact(lambda a, b, c: torch.cat([a, b, c], dim), [a, b, c], device)


def test_cat_uneven(device):
    check_exact(lambda a, b: torch.cat([a, b], 1), [torch.randn(2, 3, 7), torch.randn(2, 5, 7)], device)


def test_cat_int(device):
    i, j = torch.randint(-50, 50, (3, 4)), torch.randint(-50, 50, (1, 4))
    compile_and_check(lambda a, b: torch.cat([a, b]), [i, j], device, exact=True)


@pytest.mark.parametrize("fn", [
    lambda x: x.split(2, 1),
    lambda x: x.split([1, 4, 2], 1),
    lambda x: x.chunk(3, -1),
    lambda x: x.unbind(0),
    lambda x: torch.unbind(x, 2),
], ids=["split", "split_sizes", "chunk", "unbind0", "unbind2"])
def test_split(device, fn):
    check_exact(fn, [torch.randn(3, 7, 5)], device)


def test_split_used_with_compute(device):
    def fn(x):
        a, b = x.split([3, 4], 1)
        return torch.relu(a), b
    check_exact(fn, [torch.randn(2, 7, 3)], device)


@pytest.mark.parametrize("fn", [
    lambda x: x[:, 1:],
    lambda x: x[:, :, ::2],
    lambda x: x[1:-1, -3:, 1:4:2],
    lambda x: x[:, -2:-1],
    lambda x: x.narrow(2, 1, 3),
    lambda x: x[..., 2:100],
], ids=["start", "step", "neg", "neg_end", "narrow", "clamped_end"])
def test_slice(device, fn):
    check_exact(fn, [torch.randn(4, 7, 5)], device)


@pytest.mark.parametrize("fn", [
    lambda x: x[1],
    lambda x: x[:, -1],
    lambda x: x.select(2, 3),
    lambda x: x[:, 0, 2],
], ids=["first", "neg", "select", "two"])
def test_select(device, fn):
    check_exact(fn, [torch.randn(4, 7, 5)], device)


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_index_select(device, dim):
    x = torch.randn(4, 7, 5)
    idx = torch.tensor([0, 3, 1, 3])
    check_exact(lambda x, i: x.index_select(dim, i), [x, idx], device)


@pytest.mark.parametrize("fn", [
    lambda x, i: x[i],
    lambda x, i: x[:, i],
    lambda x, i: x[:, :, i.view(2, 2)],
], ids=["dim0", "dim1", "2d_index"])
def test_index_tensor(device, fn):
    x = torch.randn(4, 5, 6)
    check_exact(fn, [x, torch.tensor([3, 0, 1, 1])], device)


def test_index_two_tensors_with_a_gap_stays_in_torch(device):
    # x[i, :, j]: the indexed dims are not the leading ones without gaps.
    x, i, j = torch.randn(4, 3, 5), torch.tensor([0, 1]), torch.tensor([2, 3])
    _, metrics = compile_and_check(lambda x, i, j: x[i, :, j], [x, i, j], device, expect_lowered=False, exact=True,
                                   numerics="fast")
    entry = metrics["aten_ops"]["aten.index.Tensor"]
    assert not entry["lowered"] and "separated by" in entry["reason"]


def test_index_two_tensors_runtime_indices(device):
    x, i, j = torch.randn(4, 5), torch.tensor([0, 3]), torch.tensor([2, 4])
    compile_and_check(lambda x, i, j: x[i, j], [x, i, j], device, exact=True, numerics="fast")


def test_index_mask_is_rejected():
    """A bool mask (data-dependent shape: dynamo graph-breaks before us) is refused by the rule."""
    import torch_ttnn
    from torch.fx.experimental.proxy_tensor import make_fx
    from torch_ttnn.partition import support_map

    gm = make_fx(lambda x, m: torch.ops.aten.index.Tensor(x, [m]))(torch.randn(4, 5),
                                                                   torch.tensor([True, False, True, True]))
    reasons = {str(n.target): r for n, r in support_map(gm, torch_ttnn.TorchTtnnOption()).items()}
    assert "integer index" in reasons["aten.index.Tensor"]


class WithIndex(torch.nn.Module):
    """An index held as a buffer: frozen into a graph constant."""

    def __init__(self, index, fn):
        super().__init__()
        self.register_buffer("index", index)
        self.fn = fn

    def forward(self, x):
        return self.fn(x, self.index)


@pytest.mark.parametrize("fn", [
    lambda x, i: x[:, i],
    lambda x, i: x.index_select(1, i),
    lambda x, i: torch.gather(x, 1, i.expand(3, 3)),
    lambda x, i: torch.cat([x, i.view(1, 3).expand(3, 3).float()], 1),
    lambda x, i: F.embedding(i.view(3, 1), x),
], ids=["index", "index_select", "gather", "cat_promote", "embedding"])
def test_constant_index(device, fn):
    check_exact(WithIndex(torch.tensor([2, 0, 1]), fn).eval(), [torch.randn(3, 4)], device)


@pytest.mark.parametrize("fn", [
    lambda x, i: x[i],
    lambda x, i: x[:, i],
    lambda x, i: x[i, i.flip(0)],
], ids=["dim0", "dim1", "two_tensors"])
def test_negative_index_wraps(device, fn):
    """torch's index reads -1 as the last entry, whether the index is a constant or an input."""
    index = torch.tensor([-1, 0, -3, 2])
    check_exact(WithIndex(index, fn).eval(), [torch.randn(4, 4)], device)
    check_exact(fn, [torch.randn(4, 4), index], device)


def test_index_out_of_range_is_an_error(device):
    """Entries outside [-n, n) are not wrapped into range: index_select names the bad entry."""
    import torch_ttnn

    compiled = torch.compile(lambda x, i: x[i], backend=torch_ttnn.backend,
                             options=torch_ttnn.TorchTtnnOption(device=device))
    with pytest.raises(ValueError, match=r"index -5 .* out of range"):
        compiled(torch.randn(4, 4), torch.tensor([0, -5]))


@pytest.mark.parametrize("ids_shape", [(7,), (2, 9)])
def test_embedding(device, ids_shape):
    torch.manual_seed(0)
    emb = torch.nn.Embedding(50, 24, padding_idx=0).eval()
    ids = torch.randint(0, 50, ids_shape)
    ids.view(-1)[0] = 0
    compile_and_check(emb, [ids], device, exact=True, numerics="fast")
    torch._dynamo.reset()
    got, _ = compile_and_check(emb, [ids], device)
    assert torch.equal(got, emb.weight.detach().to(torch.bfloat16).float()[ids])


@pytest.mark.parametrize("dim", [0, 1])
def test_gather(device, dim):
    x = torch.randn(4, 6)
    idx = torch.randint(0, x.shape[dim], (3, 5))
    check_exact(lambda x, i: torch.gather(x, dim, i), [x, idx], device)


@pytest.mark.parametrize("pad,value", [
    ((1, 2), 0.0),
    ((1, 2, 3, 0), 0.0),
    ((0, 1, 2, 1, 1, 1), -1.5),
], ids=["last", "two", "three_value"])
def test_constant_pad_nd(device, pad, value):
    check_exact(lambda x: F.pad(x, pad, value=value), [torch.randn(2, 3, 5)], device)


@pytest.mark.parametrize("pad", [(-1, 1), (-1, -2), (2, -1, -1, 0), (0, 0, 0, 0, -1, 1)],
                         ids=["crop_front", "crop_both", "mixed_two_dims", "crop_lead"])
def test_constant_pad_nd_negative(device, pad):
    """A negative pad crops that side (torch's constant_pad_nd)."""
    check_exact(lambda x: F.pad(x, pad, value=0.5), [torch.randn(2, 3, 5)], device)


def test_pad_cropping_to_nothing_stays_in_torch(device):
    _, metrics = compile_and_check(lambda x: F.pad(x, (-3, -3)) + 1, [torch.randn(3, 6)], device,
                                   expect_lowered=False, exact=True)
    entry = metrics["aten_ops"]["aten.constant_pad_nd.default"]
    assert not entry["lowered"] and "empty" in entry["reason"], entry


@pytest.mark.parametrize("dim,start,end", [(0, 1, 3), (1, 0, 2), (-1, 3, 5), (1, 0, 4), (2, -2, None), (0, 0, 4)],
                         ids=["middle", "head", "tail", "whole_dim1", "negative_start", "whole"])
def test_slice_scatter(device, dim, start, end):
    x = torch.randn(4, 4, 5)
    view = x.narrow(dim, 0, 1).shape
    n = len(range(*slice(start, end).indices(x.shape[dim])))
    src = torch.randn(*[n if i == dim % 3 else s for i, s in enumerate(view)])
    check_exact(lambda a, b: torch.slice_scatter(a, b, dim, start, end), [x, src], device)


def test_slice_assignment(device):
    """Writing into a slice of a fresh tensor (swin's attention-mask pattern) functionalizes to
    slice_scatter."""
    def fn(x):
        mask = torch.zeros(1, 6, 6, 1)
        count = 0
        for h in (slice(0, -3), slice(-3, -1), slice(-1, None)):
            for w in (slice(0, -3), slice(-3, -1), slice(-1, None)):
                mask[:, h, w, :] = count
                count += 1
        return x + mask
    compile_and_check(fn, [torch.randn(2, 6, 6, 1)], device, exact=True, numerics="fast")


def test_slice_scatter_step_stays_in_torch(device):
    x, src = torch.randn(6, 3), torch.randn(3, 3)
    _, metrics = compile_and_check(lambda a, b: torch.slice_scatter(a, b, 0, 0, 6, 2), [x, src], device,
                                   expect_lowered=False, exact=True)
    entry = metrics["aten_ops"]["aten.slice_scatter.default"]
    assert not entry["lowered"] and "step" in entry["reason"], entry


@pytest.mark.parametrize("dim,index", [(0, 0), (1, -1), (2, 2)], ids=["first", "last_neg", "middle"])
def test_select_scatter(device, dim, index):
    x = torch.randn(3, 4, 5)
    src = torch.randn(*[s for i, s in enumerate(x.shape) if i != dim])
    check_exact(lambda a, b: torch.select_scatter(a, b, dim, index), [x, src], device)


@pytest.mark.parametrize("reps", [(2, 1), (1, 3), (2, 2, 1)], ids=["r21", "r13", "lead"])
def test_repeat(device, reps):
    check_exact(lambda x: x.repeat(*reps), [torch.randn(3, 5)], device)


@pytest.mark.parametrize("dims", [(0,), (1, 2), (-1,)])
def test_flip(device, dims):
    check_exact(lambda x: x.flip(dims), [torch.randn(3, 4, 5)], device)


def test_clone_contiguous(device):
    check_exact(lambda x: x.t().contiguous().clone(), [torch.randn(3, 5)], device)


def test_as_strided_plain_view(device):
    check_exact(lambda x: x.as_strided((4, 5), (5, 1)), [torch.randn(20)], device)
    torch._dynamo.reset()
    check_exact(lambda x: x.as_strided((2, 3), (3, 1), 4), [torch.randn(4, 5)], device)


def test_as_strided_inplace_restride(device):
    """Global average pooling of a permuted (channels-last) tensor: the decomposition restrides its
    result in place with as_strided_, an identity on values."""
    _, metrics = compile_and_check(lambda x: F.adaptive_avg_pool2d(x.permute(0, 3, 1, 2), 1).flatten(1),
                                   [torch.randn(2, 7, 7, 16)], device, numerics="fast", atol=1e-5, rtol=1e-5)
    if "aten.as_strided_.default" in metrics["aten_ops"]:
        assert metrics["aten_ops"]["aten.as_strided_.default"]["lowered"]


def test_as_strided_overlapping_stays_in_torch(device):
    _, metrics = compile_and_check(lambda x: x.as_strided((3, 4), (1, 1)), [torch.randn(10)], device,
                                   expect_lowered=False, exact=True)
    ops = [e for op, e in metrics["aten_ops"].items() if "as_strided" in op]
    assert ops and not ops[0]["lowered"]


def test_integer_movement(device):
    x = torch.randint(-1000, 1000, (3, 4, 5))
    compile_and_check(lambda x: x.permute(2, 0, 1)[1:, :, ::2].reshape(4, -1), [x], device, exact=True)


def test_bool_movement(device):
    x = torch.randn(3, 4) > 0
    compile_and_check(lambda x: x.t().flip(0), [x], device, exact=True)


@pytest.mark.parametrize("fn, shape", [
    # Hugging Face's attention-mask construction: mask[batch_idx[:, None, None, None], kv_idx[None, None, None, :]]
    (lambda x: x[torch.arange(1).view(1, 1, 1, 1), torch.arange(x.shape[1]).view(1, 1, 1, -1)], (1, 9)),
    # GPT-2 style: the last token's logits of each sequence.
    (lambda x: x[torch.arange(x.shape[0]), torch.tensor([6, 3])], (2, 7, 5)),
    (lambda x: x[torch.tensor([[0], [1]]), torch.tensor([[2, 0, 1]])], (2, 3, 4)),
], ids=["hf_mask", "last_token", "broadcast_2d"])
def test_index_several_tensors(device, fn, shape):
    x = torch.randn(*shape)
    compile_and_check(fn, [x], device, exact=True, numerics="fast")
    compile_and_check(lambda b: fn(b).to(torch.int32), [x > 0], device, exact=True)
