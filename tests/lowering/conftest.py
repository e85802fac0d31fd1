"""Fixtures of the lowering tests: one ttnn device for the session, dynamo reset per test."""

import pytest
import torch

import ttnn


@pytest.fixture(scope="session")
def device():
    dev = ttnn.open_device(device_id=0)
    yield dev
    ttnn.close_device(dev)


@pytest.fixture(autouse=True)
def _reset_dynamo():
    torch._dynamo.reset()
    yield
    torch._dynamo.reset()
