// split-data-parallel on golden text (batch-major inputs sharded, outputs concatenated, the rest
// untouched), its errors, and a whole pipeline run on a 1x2 mesh against values computed here.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "ttnn/core/distribute.hpp"
#include "ttnn/core/error.hpp"
#include "ttnn/graph/passes.hpp"
#include "ttnn/graph/program.hpp"
#include "ttnn/graph/text.hpp"

using namespace ttnn;
using namespace ttnn::graph;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::shared_ptr<MeshDevice> open_mesh_1x2() {
    DeviceConfig c;
    c.dram_size = 64 << 20;
    return MeshDevice::open(MeshShape{1, 2}, c);
}

PassOptions mesh_options(const std::shared_ptr<MeshDevice>& mesh, int n) {
    PassOptions o;
    o.target.mesh = mesh;
    o.data_parallel = n;
    return o;
}

template <class Fn>
std::string error_of(Fn&& fn) {
    try {
        fn();
    } catch (const InvalidArgument& e) {
        return e.what();
    }
    return "";
}

// Per device batch 4: %0 (batch-major) and %1 (a non-batch input, dim 0 = 3) come in; a constant
// stays replicated; two outputs, one of them read twice.
const char* kPerDevice = R"(graph(%0: f32[4,6]{row_major,host} "x", %1: f32[3,6]{row_major,host} "table") {
  %2 = const bf16[6]{row_major,device} "bias"
  %3: bf16[4,6]{row_major,device} = ttnn.to_device(%0)
  %4: bf16[3,6]{row_major,device} = ttnn.to_device(%1)
  %5: bf16[4,6]{row_major,device} = ttnn.add(%3, %2)  @"add"
  %6: bf16[4,6]{row_major,device} = ttnn.relu(%5)  @"relu"
  %7: bf16[4,6]{row_major,host} = ttnn.from_device(%6)
  %8: bf16[4,6]{row_major,host} = ttnn.from_device(%5)
  return (%7, %8, %7)
}
)";

}  // namespace

TEST(DataParallel, GoldenShardsInputsAndConcatenatesOutputs) {
    auto mesh = open_mesh_1x2();
    const Graph before = parse_graph(kPerDevice);
    const Graph after = split_data_parallel(before, mesh_options(mesh, 2));
    EXPECT_EQ(after.to_text(), R"(graph(%0: f32[8,6]{row_major,host} "x", %1: f32[3,6]{row_major,host} "table") {
  %2 = const bf16[6]{row_major,device} "bias"
  %3: bf16[4,6]{row_major,device} = ttnn.to_device(%0, dim=0, mesh_mapper="shard")
  %4: bf16[3,6]{row_major,device} = ttnn.to_device(%1)
  %5: bf16[4,6]{row_major,device} = ttnn.add(%3, %2)  @"add"
  %6: bf16[4,6]{row_major,device} = ttnn.relu(%5)  @"relu"
  %7: bf16[8,6]{row_major,host} = ttnn.from_device(%6, dim=0, mesh_composer="concat")
  %8: bf16[8,6]{row_major,host} = ttnn.from_device(%5, dim=0, mesh_composer="concat")
  return (%7, %8, %7)
}
)");
    verify(after, "split-data-parallel", /*ttnn_level=*/true);
    // A fixed point on what it already split is not expected (types are global now), but turning it
    // off leaves the graph alone.
    EXPECT_EQ(split_data_parallel(before, mesh_options(mesh, 1)).to_text(), before.to_text());
    PassOptions single;
    EXPECT_EQ(split_data_parallel(before, single).to_text(), before.to_text());
    mesh->close();
}

TEST(DataParallel, RejectsOutputsThatAreNotBatchMajor) {
    auto mesh = open_mesh_1x2();
    const Graph reduced = parse_graph(R"(graph(%0: f32[4,6]{row_major,host} "x") {
  %1: f32[4,6]{row_major,device} = ttnn.to_device(%0)
  %2: f32[]{row_major,device} = ttnn.sum(%1)  @"sum"
  %3: f32[]{row_major,host} = ttnn.from_device(%2)  @"total"
  %4: f32[4,6]{row_major,host} = ttnn.from_device(%1)
  return (%4, %3)
}
)");
    const std::string e = error_of([&] { split_data_parallel(reduced, mesh_options(mesh, 2)); });
    EXPECT_TRUE(contains(e, "output 1")) << e;
    EXPECT_TRUE(contains(e, "'total'")) << e;
    EXPECT_TRUE(contains(e, "not batch-major")) << e;

    const Graph constant_out = parse_graph(R"(graph(%0: f32[4,6]{row_major,host} "x") {
  %1 = const f32[4,6]{row_major,host} "weights"
  return (%0, %1)
}
)");
    const std::string c = error_of([&] { split_data_parallel(constant_out, mesh_options(mesh, 2)); });
    EXPECT_TRUE(contains(c, "output 1")) << c;
    EXPECT_TRUE(contains(c, "'weights'")) << c;
    // An input handed back as is stays whole.
    const Graph identity = parse_graph(R"(graph(%0: f32[4,6]{row_major,host} "x") {
  return (%0)
}
)");
    EXPECT_EQ(split_data_parallel(identity, mesh_options(mesh, 2)).type(0).shape, (std::vector<std::int64_t>{8, 6}));

    // A batch-major input read on the host by something else cannot be sharded.
    const Graph host_read = parse_graph(R"(graph(%0: f32[4,6]{row_major,host} "x") {
  %1: f32[4,6]{row_major,host} = ttnn.relu(%0)
  %2: f32[4,6]{row_major,device} = ttnn.to_device(%1)
  %3: f32[4,6]{row_major,host} = ttnn.from_device(%2)
  return (%3)
}
)");
    EXPECT_TRUE(contains(error_of([&] { split_data_parallel(host_read, mesh_options(mesh, 2)); }), "ttnn.relu"));
    mesh->close();
}

TEST(DataParallel, RejectsTargetsThatCannotSplit) {
    const Graph g = parse_graph(kPerDevice);
    PassOptions single;
    single.target.device = Device::open(0, DeviceConfig{});
    single.data_parallel = 2;
    EXPECT_TRUE(contains(error_of([&] { split_data_parallel(g, single); }), "needs a MeshDevice"));
    single.target.device->close();
    auto mesh = open_mesh_1x2();
    EXPECT_TRUE(contains(error_of([&] { split_data_parallel(g, mesh_options(mesh, 4)); }), "has 2 devices"));
    const Graph scalar_first = parse_graph(R"(graph(%0: f32[]{row_major,host} "s") {
  return (%0)
}
)");
    EXPECT_TRUE(contains(error_of([&] { split_data_parallel(scalar_first, mesh_options(mesh, 2)); }), "first graph input"));
    mesh->close();
}

// ATen graph at the per-device batch -> whole pipeline on a 1x2 mesh; run on the global batch.
TEST(DataParallel, PipelineRunsEachDevicesShare) {
    auto mesh = open_mesh_1x2();
    constexpr std::int64_t kBatch = 8, kFeatures = 5;
    std::vector<float> bias_values(kFeatures);
    for (std::int64_t j = 0; j < kFeatures; ++j) bias_values[j] = 0.25f * static_cast<float>(j) - 0.5f;
    const Tensor bias = tensor_from_host_array(HostArray{bias_values.data(), HostElement::F32, Shape{kFeatures}},
                                               DataType::FLOAT32, Layout::ROW_MAJOR, 0.0f, nullptr, "test");
    Graph aten;
    const ValueType per_device{{kBatch / 2, kFeatures}, ElemType::f32, std::nullopt, std::nullopt};
    const ValueId x = aten.add_input(per_device, "x");
    const ValueId b = aten.add_constant(bias, ValueType{{kFeatures}, ElemType::f32, std::nullopt, std::nullopt}, "bias");
    const ValueId y = aten.add_node1("aten::add.Tensor", {ValueRef{x}, ValueRef{b}, std::int64_t{1}}, {}, per_device, "add");
    const ValueId z = aten.add_node1("aten::relu.default", {ValueRef{y}}, {}, per_device, "relu");
    aten.set_outputs({z, y});

    PassOptions options = mesh_options(mesh, 2);
    options.lower.faithful = false;  // float32 throughout: exact
    const Graph compiled = compile_graph(aten, options, PipelineOptions{true, false, false});
    const std::string text = compiled.to_text();
    EXPECT_TRUE(contains(text, "f32[8,5]{row_major,host} \"x\"")) << text;
    EXPECT_TRUE(contains(text, "mesh_mapper=\"shard\"")) << text;
    EXPECT_TRUE(contains(text, "mesh_composer=\"concat\"")) << text;
    // The bias was placed on both devices at compile time.
    ASSERT_EQ(compiled.constants().size(), 1u) << text;
    const Tensor& resident = compiled.constant_data(compiled.constants().front());
    EXPECT_EQ(resident.num_shards(), 2u);
    EXPECT_EQ(resident.storage().distribution.kind, Distribution::Kind::REPLICATE);

    Program program(compiled, options.target);
    std::vector<float> input(kBatch * kFeatures);
    for (std::size_t i = 0; i < input.size(); ++i) input[i] = static_cast<float>(i % 7) - 3.0f + 0.125f * static_cast<float>(i);
    const Tensor host = tensor_from_host_array(HostArray{input.data(), HostElement::F32, Shape{kBatch, kFeatures}},
                                               DataType::FLOAT32, Layout::ROW_MAJOR, 0.0f, nullptr, "test");
    const std::vector<Tensor> outs = program.run({host});
    ASSERT_EQ(outs.size(), 2u);
    for (std::size_t k = 0; k < 2; ++k) {
        ASSERT_EQ(outs[k].num_shards(), 1u);
        ASSERT_EQ(outs[k].logical_shape(), (Shape{kBatch, kFeatures}));
        std::vector<float> got(input.size());
        copy_to_host_array(outs[k], 0, HostArray{got.data(), HostElement::F32, Shape{kBatch, kFeatures}}, "test");
        for (std::int64_t i = 0; i < kBatch; ++i)
            for (std::int64_t j = 0; j < kFeatures; ++j) {
                const float sum = input[i * kFeatures + j] + bias_values[j];
                const float want = k == 0 ? std::max(sum, 0.0f) : sum;
                EXPECT_EQ(got[i * kFeatures + j], want) << "output " << k << " at " << i << "," << j;
            }
    }
    // The program checks callers against the global batch.
    const Tensor wrong = tensor_from_host_array(HostArray{input.data(), HostElement::F32, Shape{kBatch / 2, kFeatures}},
                                                DataType::FLOAT32, Layout::ROW_MAJOR, 0.0f, nullptr, "test");
    EXPECT_THROW(program.run({wrong}), InvalidArgument);
    mesh->close();
}
