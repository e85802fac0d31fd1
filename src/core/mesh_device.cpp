#include "ttnn/core/mesh_device.hpp"

#include <algorithm>
#include <set>

#include "ttnn/core/error.hpp"

namespace ttnn {

std::string MeshShape::to_string() const {
    return "MeshShape(" + std::to_string(rows) + ", " + std::to_string(cols) + ")";
}

std::shared_ptr<MeshDevice> MeshDevice::open(MeshShape shape, DeviceConfig config, std::vector<int> device_ids,
                                             std::string_view op) {
    const std::size_t n = shape.num_devices();
    if (n == 0) throw InvalidArgument(op, shape.to_string() + " has no devices");
    if (n > static_cast<std::size_t>(host_num_devices())) {
        throw InvalidArgument(op, shape.to_string() + " needs " + std::to_string(n) + " devices but this host offers " +
                                      std::to_string(host_num_devices()) + " (set TTNN_HOST_NUM_DEVICES for more)");
    }
    if (device_ids.empty()) {
        for (std::size_t i = 0; i < n; ++i) device_ids.push_back(static_cast<int>(i));
    }
    if (device_ids.size() != n) {
        throw InvalidArgument(op, shape.to_string() + " needs " + std::to_string(n) + " device ids, got " +
                                      std::to_string(device_ids.size()));
    }
    if (std::set<int>(device_ids.begin(), device_ids.end()).size() != n) {
        throw InvalidArgument(op, "device ids repeat");
    }
    if (config.num_threads == 0) config.num_threads = std::max<std::size_t>(1, host_num_cores() / n);
    std::vector<std::shared_ptr<Device>> devices;
    try {
        for (int id : device_ids) devices.push_back(Device::open(id, config, op));
    } catch (...) {
        for (auto& d : devices) d->close();
        throw;
    }
    return std::shared_ptr<MeshDevice>(new MeshDevice(shape, std::move(devices)));
}

MeshDevice::~MeshDevice() { close(); }

void MeshDevice::close() {
    for (auto& d : devices_) d->close();
}

bool MeshDevice::is_open() const {
    return std::all_of(devices_.begin(), devices_.end(), [](const auto& d) { return d->is_open(); });
}

}  // namespace ttnn
