// Python bindings of the movement ops, with TT-NN's signatures. Shapes and dim lists arrive as
// lists, tuples, torch.Size or ttnn.Shape.
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "registry.hpp"
#include "ttnn/core/error.hpp"
#include "ttnn/ops/movement.hpp"

namespace nb = nanobind;
using namespace nb::literals;

namespace ttnn::python {

namespace {

using Ints = std::vector<std::int64_t>;
using MemoryConfigArg = std::optional<MemoryConfig>;

std::int64_t to_int(nb::handle h, std::string_view op, std::string_view arg) {
    if (nb::isinstance<nb::bool_>(h) || !PyIndex_Check(h.ptr())) {
        throw TypeMismatch(op, std::string(arg) + " must hold ints, got " +
                                   nb::cast<std::string>(nb::str(nb::type_name(h.type()))));
    }
    nb::object index = nb::steal(PyNumber_Index(h.ptr()));
    if (!index.is_valid()) throw nb::python_error();
    return nb::cast<std::int64_t>(index);
}

// A list/tuple/torch.Size/ttnn.Shape of ints (or one int when `scalar_ok`).
Ints to_ints(nb::handle h, std::string_view op, std::string_view arg, bool scalar_ok = false) {
    if (nb::isinstance<Shape>(h)) {
        const Shape& s = nb::cast<const Shape&>(h);
        return Ints(s.dims().begin(), s.dims().end());
    }
    if (scalar_ok && PyIndex_Check(h.ptr())) return {to_int(h, op, arg)};
    if (!nb::isinstance<nb::sequence>(h) || nb::isinstance<nb::str>(h)) {
        throw TypeMismatch(op, std::string(arg) + " must be a list or tuple of ints, got " +
                                   nb::cast<std::string>(nb::str(nb::type_name(h.type()))));
    }
    Ints out;
    for (nb::handle item : h) out.push_back(to_int(item, op, arg));
    return out;
}

std::vector<Tensor> to_tensors(nb::handle h, std::string_view op) {
    if (!nb::isinstance<nb::sequence>(h)) throw TypeMismatch(op, "tensors must be a list of ttnn.Tensor");
    std::vector<Tensor> out;
    for (nb::handle item : h) {
        if (!nb::isinstance<Tensor>(item)) {
            throw TypeMismatch(op, "tensors must hold ttnn.Tensor, got " +
                                       nb::cast<std::string>(nb::str(nb::type_name(item.type()))));
        }
        out.push_back(nb::cast<Tensor>(item));
    }
    return out;
}

void bind_movement(nb::module_& m) {
    m.def("reshape", [](const Tensor& t, nb::handle shape, const MemoryConfigArg& mc) {
        const Ints s = to_ints(shape, "ttnn.reshape", "shape");
        nb::gil_scoped_release release;
        return ops::reshape(t, s, mc);
    }, "input_tensor"_a, "shape"_a, nb::kw_only(), "memory_config"_a = nb::none(),
          "New shape of the same volume (one dim may be -1); a view when no values move");

    m.def("permute", [](const Tensor& t, nb::handle dims, const MemoryConfigArg& mc, float) {
        const Ints d = to_ints(dims, "ttnn.permute", "dims");
        nb::gil_scoped_release release;
        return ops::permute(t, d, mc);
    }, "input_tensor"_a, "dims"_a, nb::kw_only(), "memory_config"_a = nb::none(), "pad_value"_a = 0.0f,
          "Reorder dims");

    m.def("transpose", [](const Tensor& t, std::int64_t a, std::int64_t b, const MemoryConfigArg& mc) {
        nb::gil_scoped_release release;
        return ops::transpose(t, a, b, mc);
    }, "input_tensor"_a, "dim1"_a, "dim2"_a, nb::kw_only(), "memory_config"_a = nb::none(), "Swap two dims");

    m.def("concat", [](nb::handle tensors, std::int64_t dim, const MemoryConfigArg& mc) {
        const std::vector<Tensor> ts = to_tensors(tensors, "ttnn.concat");
        nb::gil_scoped_release release;
        return ops::concat(ts, dim, mc);
    }, "tensors"_a, "dim"_a = 0, nb::kw_only(), "memory_config"_a = nb::none(), "Join tensors along a dim");

    m.def("split", [](const Tensor& t, nb::handle split_size, std::int64_t dim, const MemoryConfigArg& mc) {
        if (PyIndex_Check(split_size.ptr())) {
            const std::int64_t size = to_int(split_size, "ttnn.split", "split_size");
            nb::gil_scoped_release release;
            return ops::split(t, size, dim, mc);
        }
        const Ints sizes = to_ints(split_size, "ttnn.split", "split_size");
        nb::gil_scoped_release release;
        return ops::split(t, sizes, dim, mc);
    }, "input_tensor"_a, "split_size"_a, "dim"_a = 0, nb::kw_only(), "memory_config"_a = nb::none(),
          "Pieces of split_size along dim (the last may be smaller), or of the sizes in a list");

    m.def("chunk", [](const Tensor& t, std::int64_t chunks, std::int64_t dim, const MemoryConfigArg& mc) {
        nb::gil_scoped_release release;
        return ops::chunk(t, chunks, dim, mc);
    }, "input_tensor"_a, "chunks"_a, "dim"_a = 0, nb::kw_only(), "memory_config"_a = nb::none(),
          "torch.chunk: pieces of ceil(size / chunks) along dim");

    m.def("slice", [](const Tensor& t, nb::handle start, nb::handle end, nb::handle step, const MemoryConfigArg& mc) {
        const Ints s = to_ints(start, "ttnn.slice", "slice_start");
        const Ints e = to_ints(end, "ttnn.slice", "slice_end");
        const Ints st = step.is_none() ? Ints{} : to_ints(step, "ttnn.slice", "slice_step");
        nb::gil_scoped_release release;
        return ops::slice(t, s, e, st, mc);
    }, "input_tensor"_a, "slice_start"_a, "slice_end"_a, "slice_step"_a = nb::none(), nb::kw_only(),
          "memory_config"_a = nb::none(), "Strided slice: starts, ends (exclusive), steps per dim");

    m.def("pad", [](const Tensor& t, nb::handle padding, double value, const MemoryConfigArg& mc, bool) {
        std::vector<std::pair<std::int64_t, std::int64_t>> pairs;
        if (!nb::isinstance<nb::sequence>(padding)) {
            throw TypeMismatch("ttnn.pad", "padding must be a list of (front, back) pairs");
        }
        for (nb::handle p : padding) {
            const Ints fb = to_ints(p, "ttnn.pad", "padding");
            if (fb.size() != 2) throw InvalidArgument("ttnn.pad", "each padding entry must be a (front, back) pair");
            pairs.emplace_back(fb[0], fb[1]);
        }
        nb::gil_scoped_release release;
        return ops::pad(t, pairs, value, mc);
    }, "input_tensor"_a, "padding"_a, "value"_a, nb::kw_only(), "memory_config"_a = nb::none(),
          "use_multicore"_a = true, "Pad each dim by (front, back) with a value");
    m.def("pad", [](const Tensor& t, nb::handle shape, nb::handle start, double value, const MemoryConfigArg& mc,
                    bool) {
        const Ints s = to_ints(shape, "ttnn.pad", "output_padded_shape");
        const Ints at = to_ints(start, "ttnn.pad", "input_tensor_start");
        nb::gil_scoped_release release;
        return ops::pad(t, s, at, value, mc);
    }, "input_tensor"_a, "output_padded_shape"_a, "input_tensor_start"_a, "value"_a, nb::kw_only(),
          "memory_config"_a = nb::none(), "use_multicore"_a = true,
          "Pad to output_padded_shape with the input placed at input_tensor_start");

    m.def("repeat", [](const Tensor& t, nb::handle reps, const MemoryConfigArg& mc) {
        const Ints r = to_ints(reps, "ttnn.repeat", "repetitions");
        nb::gil_scoped_release release;
        return ops::repeat(t, r, mc);
    }, "input_tensor"_a, "repetitions"_a, nb::kw_only(), "memory_config"_a = nb::none(),
          "torch.Tensor.repeat: tile the tensor a number of times per dim");

    m.def("repeat_interleave", [](const Tensor& t, nb::handle repeats, std::int64_t dim, const MemoryConfigArg& mc) {
        if (PyIndex_Check(repeats.ptr())) {
            const std::int64_t n = to_int(repeats, "ttnn.repeat_interleave", "repeats");
            nb::gil_scoped_release release;
            return ops::repeat_interleave(t, n, dim, mc);
        }
        const Ints counts = to_ints(repeats, "ttnn.repeat_interleave", "repeats");
        nb::gil_scoped_release release;
        return ops::repeat_interleave(t, counts, dim, mc);
    }, "input_tensor"_a, "repeats"_a, "dim"_a, nb::kw_only(), "memory_config"_a = nb::none(),
          "Repeat each entry of a dim (an int, or one count per entry)");

    m.def("expand", [](const Tensor& t, nb::handle shape, const MemoryConfigArg& mc) {
        const Ints s = to_ints(shape, "ttnn.expand", "shape");
        nb::gil_scoped_release release;
        return ops::expand(t, s, mc);
    }, "input_tensor"_a, "shape"_a, nb::kw_only(), "memory_config"_a = nb::none(),
          "Broadcast size-1 dims to a shape (-1 keeps a dim)");

    m.def("flip", [](const Tensor& t, nb::handle dims, const MemoryConfigArg& mc) {
        const Ints d = to_ints(dims, "ttnn.flip", "dims", /*scalar_ok=*/true);
        nb::gil_scoped_release release;
        return ops::flip(t, d, mc);
    }, "input_tensor"_a, "dims"_a, nb::kw_only(), "memory_config"_a = nb::none(), "Reverse along dims");

    m.def("gather", [](const Tensor& t, std::int64_t dim, const Tensor& index, bool, const MemoryConfigArg& mc) {
        nb::gil_scoped_release release;
        return ops::gather(t, dim, index, mc);
    }, "input_tensor"_a, "dim"_a, "index"_a, nb::kw_only(), "sparse_grad"_a = false, "memory_config"_a = nb::none(),
          "torch.gather: out[..., i, ...] = input[..., index[..., i, ...], ...] along dim");

    m.def("scatter", [](const Tensor& t, std::int64_t dim, const Tensor& index, const Tensor& src,
                        const std::optional<std::string>& reduce, const MemoryConfigArg& mc) {
        nb::gil_scoped_release release;
        return ops::scatter(t, dim, index, src, reduce, mc);
    }, "input"_a, "dim"_a, "index"_a, "src"_a, nb::kw_only(), "reduce"_a = nb::none(), "memory_config"_a = nb::none(),
          "torch.scatter: src[p] written to p with dim replaced by index[p]; reduce None or 'sum'");
    m.def("scatter_add", [](const Tensor& t, std::int64_t dim, const Tensor& index, const Tensor& src,
                            const MemoryConfigArg& mc) {
        nb::gil_scoped_release release;
        return ops::scatter_add(t, dim, index, src, mc);
    }, "input"_a, "dim"_a, "index"_a, "src"_a, nb::kw_only(), "memory_config"_a = nb::none(),
          "torch.scatter_add: src[p] summed into p with dim replaced by index[p]");

    m.def("index_select", [](const Tensor& t, std::int64_t dim, const Tensor& index, const MemoryConfigArg& mc) {
        nb::gil_scoped_release release;
        return ops::index_select(t, dim, index, mc);
    }, "input_tensor"_a, "dim"_a, "index"_a, nb::kw_only(), "memory_config"_a = nb::none(),
          "Entries of dim picked by a 1-D integer index");

    m.def("embedding", [](const Tensor& ids, const Tensor& weight, std::optional<std::int64_t> pad_token, Layout layout,
                          std::optional<DataType> dtype, const MemoryConfigArg& mc) {
        nb::gil_scoped_release release;
        return ops::embedding(ids, weight, pad_token, layout, dtype, mc);
    }, "input_tensor"_a, "weight"_a, nb::kw_only(), "pad_token"_a = nb::none(), "layout"_a = Layout::ROW_MAJOR,
          "dtype"_a = nb::none(), "memory_config"_a = nb::none(),
          "Rows of weight [vocab, hidden] picked by integer ids: out [*ids.shape, hidden]");

    m.def("squeeze", [](const Tensor& t, nb::handle dim) {
        std::optional<Ints> dims;
        if (!dim.is_none()) dims = to_ints(dim, "ttnn.squeeze", "dim", /*scalar_ok=*/true);
        nb::gil_scoped_release release;
        return ops::squeeze(t, dims);
    }, "input_tensor"_a, "dim"_a = nb::none(), "Remove size-1 dims (all, or the given ones)");

    m.def("unsqueeze", [](const Tensor& t, std::int64_t dim) {
        nb::gil_scoped_release release;
        return ops::unsqueeze(t, dim);
    }, "input_tensor"_a, "dim"_a, "Insert a size-1 dim");

    m.def("tilize", [](const Tensor& t, const MemoryConfigArg& mc, std::optional<DataType> dtype, bool) {
        nb::gil_scoped_release release;
        return ops::tilize(t, mc, dtype);
    }, "input_tensor"_a, nb::kw_only(), "memory_config"_a = nb::none(), "dtype"_a = nb::none(),
          "use_multicore"_a = true, "ROW_MAJOR -> TILE (last two dims multiples of 32)");

    m.def("tilize_with_val_padding", [](const Tensor& t, nb::handle shape, double pad_value, const MemoryConfigArg& mc,
                                        std::optional<DataType> dtype, bool) {
        const Ints s = to_ints(shape, "ttnn.tilize_with_val_padding", "output_tensor_shape");
        nb::gil_scoped_release release;
        return ops::tilize_with_val_padding(t, s, pad_value, mc, dtype);
    }, "input_tensor"_a, "output_tensor_shape"_a, "pad_value"_a, nb::kw_only(), "memory_config"_a = nb::none(),
          "dtype"_a = nb::none(), "use_multicore"_a = true,
          "ROW_MAJOR -> TILE with the tile padding set to pad_value");

    m.def("untilize", [](const Tensor& t, const MemoryConfigArg& mc, bool, bool) {
        nb::gil_scoped_release release;
        return ops::untilize(t, mc);
    }, "input_tensor"_a, nb::kw_only(), "memory_config"_a = nb::none(), "use_multicore"_a = true,
          "use_pack_untilize"_a = true, "TILE -> ROW_MAJOR");

    m.def("untilize_with_unpadding", [](const Tensor& t, nb::handle end, const MemoryConfigArg& mc, bool, bool) {
        const Ints e = to_ints(end, "ttnn.untilize_with_unpadding", "output_tensor_end");
        nb::gil_scoped_release release;
        return ops::untilize_with_unpadding(t, e, mc);
    }, "input_tensor"_a, "output_tensor_end"_a, nb::kw_only(), "memory_config"_a = nb::none(),
          "use_multicore"_a = true, "use_pack_untilize"_a = true,
          "TILE -> ROW_MAJOR cropped to output_tensor_end (inclusive)");
}

const OpBinder binder("movement", &bind_movement);

}  // namespace

}  // namespace ttnn::python
