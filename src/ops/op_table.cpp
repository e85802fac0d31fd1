#include "ttnn/ops/op_table.hpp"

#include <array>

#include "ttnn/core/error.hpp"

namespace ttnn::ops {

namespace {
constexpr OpInfo kOps[] = {
#define TTNN_OP(name, family, dtypes, layouts, summary) {#name, #family, dtypes, layouts, summary},
#include "ttnn/ops/op_table.def"
#undef TTNN_OP
};
static_assert(std::size(kOps) == static_cast<std::size_t>(OpId::kCount), "op_table.def and OpId disagree");
}  // namespace

std::span<const OpInfo> op_table() { return kOps; }

const OpInfo& op_info(OpId id) { return kOps[static_cast<std::size_t>(id)]; }

std::string qualified_name(OpId id) { return "ttnn." + std::string(op_info(id).name); }

std::string describe_dtypes(DtypeMask mask) {
    std::string text;
    for (DataType d : kAllDataTypes) {
        if (mask & bit(d)) text += (text.empty() ? "" : ", ") + std::string(to_string(d));
    }
    return text;
}

std::string describe_layouts(LayoutMask mask) {
    std::string text;
    if (mask & kRowMajor) text = "ROW_MAJOR";
    if (mask & kTile) text += text.empty() ? "TILE" : ", TILE";
    return text;
}

void check_input(OpId id, const Tensor& tensor, std::string_view arg) {
    const OpInfo& info = op_info(id);
    const std::string op = qualified_name(id);
    tensor.check_usable(op);
    if (tensor.storage_type() != StorageType::DEVICE) {
        throw InvalidArgument(op, std::string(arg) + " is on the host; TT-NN ops run on device tensors "
                                                     "(ttnn.to_device or from_torch(..., device=device))");
    }
    if (!(info.dtypes & bit(tensor.dtype()))) {
        throw InvalidArgument(op, std::string(arg) + " has dtype " + std::string(to_string(tensor.dtype())) +
                                      ", which this op does not support; supported: " + describe_dtypes(info.dtypes));
    }
    if (!(info.layouts & (1u << static_cast<int>(tensor.layout())))) {
        throw InvalidArgument(op, std::string(arg) + " has layout " + std::string(to_string(tensor.layout())) +
                                      ", which this op does not support; supported: " + describe_layouts(info.layouts));
    }
}

}  // namespace ttnn::ops
