// A mesh of devices (TT-NN's MeshDevice): rows x cols devices, each with its own share of the
// host's cores and its own memory budgets.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ttnn/core/device.hpp"

namespace ttnn {

struct MeshShape {
    std::size_t rows = 1;
    std::size_t cols = 1;
    std::size_t num_devices() const { return rows * cols; }
    bool operator==(const MeshShape&) const = default;
    std::string to_string() const;
};

class MeshDevice {
public:
    // Opens devices device_ids (default 0..n-1); each gets host_num_cores()/n threads (at least one)
    // unless config.num_threads says otherwise.
    static std::shared_ptr<MeshDevice> open(MeshShape shape, DeviceConfig config, std::vector<int> device_ids = {},
                                            std::string_view op = "ttnn.open_mesh_device");
    ~MeshDevice();

    void close();
    bool is_open() const;
    const MeshShape& shape() const { return shape_; }
    std::size_t num_devices() const { return devices_.size(); }
    const std::vector<std::shared_ptr<Device>>& devices() const { return devices_; }
    const std::shared_ptr<Device>& device(std::size_t index) const { return devices_.at(index); }

private:
    MeshDevice(MeshShape shape, std::vector<std::shared_ptr<Device>> devices)
        : shape_(shape), devices_(std::move(devices)) {}
    MeshShape shape_;
    std::vector<std::shared_ptr<Device>> devices_;
};

}  // namespace ttnn
