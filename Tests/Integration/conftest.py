"""Fixtures of the process-level integration tests."""
import pytest


@pytest.fixture
def tmp_config(tmp_path):
    return tmp_path / "backends.yaml"
