"""The torch backend's model hooks, called through a pluggy manager as the core calls them."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pluggy
import pytest

import genesis.hookspecs
from genesis.backends.info import RuntimeOptions
from genesis.errors import MethodNotSupportedError
from genesis.markers import PROJECT_NAME
from genesis.models.spec import ModelSpec
from genesis_torch import model_hooks

HIDE_TORCH = """
import importlib.abc, sys
class Hide(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] == 'torch':
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, Hide())
import genesis_torch.model_hooks as hooks
assert callable(hooks.genesis_build_model)
assert 'torch' not in sys.modules
"""


def test_module_imports_without_torch():
    proc = subprocess.run(
        [sys.executable, "-c", HIDE_TORCH], capture_output=True, text=True, timeout=60
    )

    assert proc.returncode == 0, proc.stderr


@pytest.fixture
def hook():
    pm = pluggy.PluginManager(PROJECT_NAME)
    pm.add_hookspecs(genesis.hookspecs)
    pm.register(model_hooks, name="torch-model-hooks")
    pm.check_pending()
    return pm.hook


@pytest.mark.parametrize("method", ["ctgan", "tvae"])
def test_hooks_build_train_generate_and_move_weights(
    hook, method, ctgan_spec, tvae_spec, ctgan_batch, tvae_batch
):
    spec = ctgan_spec if method == "ctgan" else tvae_spec
    batch = ctgan_batch(0) if method == "ctgan" else tvae_batch(0)
    noise = np.random.default_rng(0).standard_normal((6, 8), dtype=np.float32)
    cond = np.eye(7, dtype=np.float32)[:6] if method == "ctgan" else None

    model = hook.genesis_build_model(spec=spec, options=RuntimeOptions(seed=0))
    losses = hook.genesis_train_step(model=model, batch=batch)
    raw = hook.genesis_generate(model=model, noise=noise, cond=cond, precision="float32")
    weights = hook.genesis_get_weights(model=model)
    fresh = hook.genesis_build_model(spec=spec, options=RuntimeOptions(seed=1))
    loaded = hook.genesis_set_weights(model=fresh, weights=weights)

    assert set(losses) == ({"generator", "discriminator"} if method == "ctgan" else {"loss"})
    assert raw.shape == (6, 14) and raw.dtype == np.float32
    assert loaded is True
    again = hook.genesis_generate(model=fresh, noise=noise, cond=cond, precision="float32")
    np.testing.assert_array_equal(again, raw)


def test_unknown_method_is_refused(hook, ctgan_spec):
    spec = ModelSpec(method="copula", params=ctgan_spec.params, data_dim=14)

    with pytest.raises(MethodNotSupportedError, match="copula"):
        hook.genesis_build_model(spec=spec, options=RuntimeOptions())
