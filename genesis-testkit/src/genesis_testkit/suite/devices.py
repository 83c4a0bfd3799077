"""Devices: the backend lists its devices and resolves requests as documented."""

from __future__ import annotations

import os

import pytest

from genesis.backends import DEVICE_ENV_VAR, DEVICE_KINDS, DeviceNotAvailableError, get_device


class DeviceTests:
    """Device query through the backend's hook."""

    def test_query_lists_known_kinds_with_cpu(self, genesis_backend):
        devices = genesis_backend.query_devices()
        assert "cpu" in devices
        assert set(devices) <= set(DEVICE_KINDS), devices

    def test_auto_picks_the_best_present(self, genesis_backend):
        devices = genesis_backend.query_devices()
        expected = next(d for d in DEVICE_KINDS if d in devices)
        chosen = os.environ.get(DEVICE_ENV_VAR, "").strip().lower()  # --genesis-device
        if chosen and chosen != "auto":
            expected = chosen
        assert get_device("auto", backend=genesis_backend.name) == expected

    def test_cpu_always_resolves(self, genesis_backend):
        assert get_device("cpu", backend=genesis_backend.name) == "cpu"

    def test_absent_device_is_a_clear_error(self, genesis_backend):
        devices = genesis_backend.query_devices()
        absent = [d for d in DEVICE_KINDS if d not in devices]
        if not absent:
            pytest.skip("every device kind is present on this machine")
        with pytest.raises(DeviceNotAvailableError, match=absent[0]):
            get_device(absent[0], backend=genesis_backend.name)
