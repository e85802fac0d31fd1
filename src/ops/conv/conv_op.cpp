// The driver shared by conv2d, conv_transpose2d and conv1d: argument checks, placing host inputs
// on the device, running per device of a mesh, and turning values into the output tensor.
#include "conv_engine.hpp"
#include "output_writer.hpp"
#include "ttnn/core/error.hpp"
#include "ttnn/core/tensor_ops.hpp"

namespace ttnn::ops::conv_detail {

namespace {

bool on_device(const Tensor& t) { return t.storage_type() == StorageType::DEVICE; }

// TT-NN's conv takes host inputs (weights typically) and moves them to `device`.
Tensor place(const Tensor& t, const std::optional<DeviceRef>& device, const char* what, std::string_view op) {
    t.check_usable(op);
    if (t.storage_type() != StorageType::HOST && t.storage_type() != StorageType::MULTI_DEVICE_HOST) return t;
    if (!device) {
        throw InvalidArgument(op, std::string(what) + " is on the host and no device was given");
    }
    if (auto* d = std::get_if<std::shared_ptr<Device>>(&*device)) {
        if (!*d) throw InvalidArgument(op, "device is None");
        return to_device(t, *d, dram_memory_config(), op);
    }
    const auto& mesh = std::get<std::shared_ptr<MeshDevice>>(*device);
    if (!mesh) throw InvalidArgument(op, "device is None");
    if (mesh->num_devices() == 1) return to_device(t, mesh->device(0), dram_memory_config(), op);
    return to_device(t, mesh, dram_memory_config(), op);
}

std::vector<Tensor> conv_on_device(const ConvCall& call, const Tensor& input, const Tensor& weight,
                                   const std::optional<Tensor>& bias) {
    const std::string op = qualified_name(call.id);
    check_input(call.id, input, "input_tensor");
    const DataType out_dtype = call.dtype.value_or(input.dtype());
    const MemoryConfig memory_config = output_memory_config(call.memory_config, input);
    const ConvProblem& p = call.problem;
    // float32 ROW_MAJOR tensors hold exactly the NHWC values the engine reads and writes: it
    // works on their memory directly; other dtypes and layouts are converted at the borders.
    ActivationValues x;
    if (input.dtype() == DataType::FLOAT32 && input.layout() == Layout::ROW_MAJOR) {
        x.data = reinterpret_cast<const float*>(input.shard_data(0, op));
    } else {
        x.owned = read_f32(input, op);
        x.data = x.owned.data();
    }
    // The prepared weights handed back are the weights on this device; their packed form is
    // cached under their buffer too, so passing them back in skips the packing.
    std::optional<Tensor> prepared_weight, prepared_bias;
    if (call.return_prepared) {
        prepared_weight = on_device(weight) ? weight : to_device(weight, input.device(), dram_memory_config(), op);
        if (bias) prepared_bias = on_device(*bias) ? *bias : to_device(*bias, input.device(), dram_memory_config(), op);
    }
    const Shape out_shape{1, 1, p.n * p.oh * p.ow, p.oc};
    ThreadPool& pool = input.device()->thread_pool();
    const Tensor* alias = prepared_weight ? &*prepared_weight : nullptr;
    std::vector<Tensor> outputs;
    if (out_dtype == DataType::FLOAT32 && call.output_layout == Layout::ROW_MAJOR) {
        const TensorSpec spec{out_shape, DataType::FLOAT32, Layout::ROW_MAJOR, memory_config};
        validate_spec(spec, op);
        Tensor out = allocate_like_placement(spec, input, op);
        run_conv(p, x, reinterpret_cast<float*>(out.shard_data(0, op)), weight, alias, bias, call.activation,
                 call.numerics, pool, op);
        outputs.push_back(out);
    } else {
        // Other dtypes and layouts: encoded piece by piece as the engine finishes rows.
        const TensorSpec spec{out_shape, out_dtype, call.output_layout, memory_config};
        validate_spec(spec, op);
        Tensor out = allocate_like_placement(spec, input, op);
        F32Array y(out_shape);
        OutputWriter writer(y.data(), static_cast<std::size_t>(out_shape[2]), static_cast<std::size_t>(p.oc), out, op);
        const RowsDone rows_done = [&](std::size_t b, std::size_t e) { writer.rows_done(b, e); };
        run_conv(p, x, y.data(), weight, alias, bias, call.activation, call.numerics, pool, op, &rows_done);
        outputs.push_back(out);
    }
    if (call.deallocate_activation && input.memory_config().buffer_type == BufferType::L1) {
        Tensor(input).deallocate();  // as TT-NN: only an L1 activation is freed
    }
    if (call.return_prepared) {
        outputs.push_back(*prepared_weight);
        if (prepared_bias) outputs.push_back(*prepared_bias);
    }
    return outputs;
}

}  // namespace

ConvNumerics numerics_for(const Tensor& input, const Tensor& weight, const std::optional<Conv2dConfig>& conv_config,
                          const std::optional<ComputeKernelConfig>& compute_config) {
    ConvNumerics n;
    n.faithful = numerics_mode() == NumericsMode::FAITHFUL;
    if (conv_config) n.weights_dtype = conv_config->weights_dtype;
    const DataType weight_dtype = n.weights_dtype.value_or(weight.dtype());
    n.input_is_fp32 = input.dtype() == DataType::FLOAT32;
    n.weight_is_fp32 = weight_dtype == DataType::FLOAT32;
    // TT-NN's get_conv_default_compute_kernel_config: HiFi4, fp32 destination for fp32 x fp32.
    n.fidelity = compute_config ? compute_config->math_fidelity : MathFidelity::HiFi4;
    n.fp32_dest_acc = compute_config ? compute_config->fp32_dest_acc_en : (n.input_is_fp32 && n.weight_is_fp32);
    return n;
}

void check_conv_arguments(std::string_view op, std::uint32_t in_channels, std::uint32_t out_channels,
                          std::uint32_t groups, std::initializer_list<std::uint32_t> positive,
                          std::initializer_list<const char*> positive_names) {
    auto name = positive_names.begin();
    for (std::uint32_t v : positive) {
        if (v == 0) throw InvalidArgument(op, std::string(*name) + "=0 must be positive");
        ++name;
    }
    if (groups == 0) throw InvalidArgument(op, "groups=0 must be positive");
    if (in_channels % groups != 0) {
        throw InvalidArgument(op, "groups=" + std::to_string(groups) + " does not divide in_channels=" +
                                      std::to_string(in_channels));
    }
    if (out_channels % groups != 0) {
        throw InvalidArgument(op, "groups=" + std::to_string(groups) + " does not divide out_channels=" +
                                      std::to_string(out_channels));
    }
}

void check_weight(std::string_view op, const Tensor& weight, std::initializer_list<Shape> accepted) {
    weight.check_usable(op);
    if (!is_floating_point(weight.dtype())) {
        throw InvalidArgument(op, "weight_tensor has dtype " + std::string(to_string(weight.dtype())) +
                                      "; expected a floating-point dtype");
    }
    for (const Shape& s : accepted) {
        if (weight.logical_shape() == s) return;
    }
    std::string expected;
    for (const Shape& s : accepted) expected += (expected.empty() ? "" : " or ") + s.to_string();
    throw InvalidArgument(op, "weight_tensor has shape " + weight.logical_shape().to_string() + ", expected " +
                                  expected);
}

void check_bias(std::string_view op, const std::optional<Tensor>& bias, std::uint32_t out_channels) {
    if (!bias) return;
    bias->check_usable(op);
    if (!is_floating_point(bias->dtype())) {
        throw InvalidArgument(op, "bias_tensor has dtype " + std::string(to_string(bias->dtype())) +
                                      "; expected a floating-point dtype");
    }
    if (bias->logical_shape().volume() != out_channels) {
        throw InvalidArgument(op, "bias_tensor has shape " + bias->logical_shape().to_string() +
                                      ", expected [1, 1, 1, " + std::to_string(out_channels) + "]");
    }
}

ConvResult run_conv_op(const ConvCall& call, const Tensor& input_tensor, const Tensor& weight_tensor,
                       const std::optional<Tensor>& bias_tensor, const std::optional<DeviceRef>& device) {
    const std::string op = qualified_name(call.id);
    const DataType out_dtype = call.dtype.value_or(input_tensor.dtype());
    if (!is_floating_point(out_dtype)) {
        throw InvalidArgument(op, "dtype " + std::string(to_string(out_dtype)) + " is not a floating-point dtype");
    }
    if (is_block_float(out_dtype) && call.output_layout != Layout::TILE) {
        throw InvalidArgument(op, "dtype " + std::string(to_string(out_dtype)) +
                                      " needs TILE layout, but conv_config.output_layout is ROW_MAJOR");
    }
    const Tensor input = place(input_tensor, device, "input_tensor", op);
    ConvResult result;
    result.output_height = static_cast<std::uint32_t>(call.problem.oh);
    result.output_width = static_cast<std::uint32_t>(call.problem.ow);
    std::vector<Tensor> outputs;
    if (is_mesh_tensor(input)) {
        // Weights and bias on the host are read per device as they are (and prepared per device).
        std::vector<Tensor> args{input, weight_tensor};
        if (bias_tensor) args.push_back(*bias_tensor);
        outputs = for_each_device_multi(
            args,
            [&](std::span<const Tensor> s) {
                std::optional<Tensor> b;
                if (s.size() > 2) b = s[2];
                return conv_on_device(call, s[0], s[1], b);
            },
            op);
    } else {
        outputs = conv_on_device(call, input, weight_tensor, bias_tensor);
    }
    result.output = outputs[0];
    if (call.return_prepared) {
        result.prepared_weight = outputs[1];
        if (outputs.size() > 2) result.prepared_bias = outputs[2];
    }
    return result;
}

}  // namespace ttnn::ops::conv_detail
