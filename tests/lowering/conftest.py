"""Fixtures of the lowering tests: one ttnn device for the session, dynamo reset per test."""

import pytest
import torch

import ttnn  # noqa: F401
import torch_ttnn


@pytest.fixture(scope="session")
def device():
    # torch_ttnn's default device (device 0, open for the whole process), so that tests of other
    # directories that compile with the default device share it.
    return torch_ttnn.TorchTtnnOption().resolved_device()


@pytest.fixture(autouse=True)
def _reset_dynamo():
    torch._dynamo.reset()
    yield
    torch._dynamo.reset()
