"""Shared fixtures for the ttnn Python tests.

Device ids form a process-wide registry (opening an open id raises), so every fixture closes what
it opened, even when the test fails.
"""

import os
import sys

import pytest

import ttnn

# reference_conversions.py sits next to the tests; make it importable however pytest is started.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def device():
    dev = ttnn.open_device(device_id=0)
    try:
        yield dev
    finally:
        ttnn.close_device(dev)


@pytest.fixture
def mesh_device():
    mesh = ttnn.open_mesh_device(ttnn.MeshShape(1, 2))
    try:
        yield mesh
    finally:
        ttnn.close_mesh_device(mesh)
