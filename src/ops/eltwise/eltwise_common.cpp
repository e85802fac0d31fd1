#include "eltwise_common.hpp"

#include "storage_order.hpp"

#include <cmath>
#include <vector>

#include "ttnn/core/error.hpp"
#include "ttnn/core/tensor_ops.hpp"

namespace ttnn::ops::eltwise {

bool is_integral(const Operand& o) {
    if (const Tensor* t = tensor_of(o)) return is_integer(t->dtype());
    if (std::holds_alternative<std::int64_t>(o)) return true;
    const double v = std::get<double>(o);  // 2.0 counts as an integer, 2.5 and inf do not
    return std::isfinite(v) && v == std::trunc(v) && std::fabs(v) < 9.2e18;
}

Shape shape_of(const Operand& o) {
    if (const Tensor* t = tensor_of(o)) return t->logical_shape();
    return Shape{};
}

float scalar_f32(const Operand& o) {
    if (const auto* i = std::get_if<std::int64_t>(&o)) return static_cast<float>(*i);
    return static_cast<float>(std::get<double>(o));
}

std::int64_t scalar_i64(const Operand& o) {
    if (const auto* i = std::get_if<std::int64_t>(&o)) return *i;
    return static_cast<std::int64_t>(std::get<double>(o));
}

Tensor run_on_devices(std::span<const Operand> operands,
                      const std::function<Tensor(std::span<const Operand>)>& per_device, std::string_view op) {
    std::vector<Tensor> tensors;
    std::vector<std::size_t> where;
    bool any_mesh = false;
    for (std::size_t i = 0; i < operands.size(); ++i) {
        if (const Tensor* t = tensor_of(operands[i])) {
            tensors.push_back(*t);
            where.push_back(i);
            any_mesh = any_mesh || is_mesh_tensor(*t);
        }
    }
    if (!any_mesh) return per_device(operands);
    return for_each_device(
        tensors,
        [&](std::span<const Tensor> shards) {
            std::vector<Operand> local(operands.begin(), operands.end());
            for (std::size_t j = 0; j < shards.size(); ++j) local[where[j]] = shards[j];
            return per_device(local);
        },
        op);
}

const Tensor& check_operands(OpId id, std::span<const Operand> operands, std::span<const std::string_view> names) {
    const Tensor* first = nullptr;
    for (std::size_t i = 0; i < operands.size(); ++i) {
        const Tensor* t = tensor_of(operands[i]);
        if (t == nullptr) continue;
        check_input(id, *t, names[i]);
        if (first == nullptr) {
            first = t;
        } else if (t->device() != first->device()) {
            throw InvalidArgument(qualified_name(id), std::string(names[i]) + " is on another device than " +
                                                          std::string(names[0]));
        }
    }
    if (first == nullptr) {
        throw TypeMismatch(qualified_name(id), "at least one operand must be a ttnn.Tensor, got only scalars");
    }
    return *first;
}

Shape broadcast_shape(std::span<const Operand> operands, std::span<const std::string_view> names, std::string_view op) {
    std::vector<Shape> shapes;
    std::size_t rank = 0;
    for (const Operand& o : operands) {
        shapes.push_back(shape_of(o));
        rank = std::max(rank, shapes.back().rank());
    }
    std::vector<std::int64_t> dims(rank, 1);
    for (std::size_t d = 0; d < rank; ++d) {
        for (const Shape& s : shapes) {
            const std::size_t lead = rank - s.rank();
            if (d < lead) continue;
            const std::int64_t n = s[d - lead];
            if (n == 1 || n == dims[d]) continue;
            if (dims[d] != 1) {
                std::string text;
                for (std::size_t i = 0; i < shapes.size(); ++i) {
                    if (!tensor_of(operands[i])) continue;
                    if (!text.empty()) text += " and ";
                    text += std::string(names[i]) + " shape " + shapes[i].to_string();
                }
                throw InvalidArgument(op, text + " do not broadcast (dim " + std::to_string(d) + " from the front: " +
                                              std::to_string(dims[d]) + " vs " + std::to_string(n) + ")");
            }
            dims[d] = n;
        }
    }
    return Shape(dims, op);
}

bool storage_order_applies(std::span<const Operand> operands, const Shape& out_shape, Layout layout,
                           DataType out_dtype) {
    if (!is_floating_point(out_dtype)) return false;
    for (const Operand& o : operands) {
        const Tensor* t = tensor_of(o);
        if (t == nullptr) continue;
        if (!is_floating_point(t->dtype()) || t->layout() != layout || t->logical_shape() != out_shape) return false;
    }
    return true;
}

Tensor new_output(const Shape& shape, DataType dtype, Layout layout, const MemoryConfig& memory_config,
                  const Tensor& like, std::string_view op) {
    const TensorSpec spec{shape, dtype, layout, memory_config};
    validate_spec(spec, op);
    return allocate_like_placement(spec, like, op);
}

void wrap_to_dtype(I64Array& values, DataType dtype, ThreadPool& pool) {
    std::int64_t* v = values.data();
    switch (dtype) {
        case DataType::INT32:
            map_inplace(pool, v, values.size(), [](std::int64_t x) {
                return static_cast<std::int64_t>(static_cast<std::int32_t>(static_cast<std::uint32_t>(x)));
            });
            break;
        case DataType::UINT32:
            map_inplace(pool, v, values.size(), [](std::int64_t x) { return x & 0xFFFFFFFFll; });
            break;
        case DataType::UINT16:
            map_inplace(pool, v, values.size(), [](std::int64_t x) { return x & 0xFFFFll; });
            break;
        case DataType::UINT8:
            map_inplace(pool, v, values.size(), [](std::int64_t x) { return x & 0xFFll; });
            break;
        default: break;
    }
}

}  // namespace ttnn::ops::eltwise
