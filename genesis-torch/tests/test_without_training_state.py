"""A backend that leaves out the optional training-state hooks (here: torch's other hooks
under another name) saves models without optimizer state and still resumes, afresh."""

from __future__ import annotations

import dataclasses

import numpy as np

from genesis import SyntheticGenerator, hookimpl
from genesis.backends.registry import discover_backends
from genesis.io.model_file import read_model_file
from genesis_testkit import tiny_table
from genesis_torch import model_hooks, plugin


class TorchWithoutTrainingState:
    """torch's hooks, minus ``genesis_get_training_state`` and ``genesis_set_training_state``."""

    name = "torch-lean"

    @hookimpl
    def genesis_backend_info(self):  # type: ignore[no-untyped-def]
        return dataclasses.replace(plugin.genesis_backend_info(), name=self.name, priority=90)

    genesis_query_devices = staticmethod(plugin.genesis_query_devices)
    genesis_build_model = staticmethod(model_hooks.genesis_build_model)
    genesis_train_step = staticmethod(model_hooks.genesis_train_step)
    genesis_generate = staticmethod(model_hooks.genesis_generate)
    genesis_get_weights = staticmethod(model_hooks.genesis_get_weights)
    genesis_set_weights = staticmethod(model_hooks.genesis_set_weights)


def test_a_backend_without_training_state_saves_none_and_resumes_afresh(tmp_path):
    registry = discover_backends(entry_points=False)
    registry.add_plugin(TorchWithoutTrainingState(), name="torch-lean")
    df = tiny_table()
    options = {"method": "ctgan", "epochs": 1, "batch_size": 40, "seed": 0, "verbose": False}
    lean = SyntheticGenerator(backend="torch-lean", registry=registry, **options).fit(df)
    assert lean.backend.get_training_state(lean._fitted.model) is None

    path = lean.save(tmp_path / "lean.genesis")
    content = read_model_file(path)
    assert content.training_state == {}  # no optimizer arrays ...
    assert "rng" in content.document["training_state"]  # ... the core's generator is kept

    loaded = SyntheticGenerator.load(path, backend="torch-lean", registry=registry, verbose=False)
    loaded.fit(df, epochs=1, resume=True)
    assert list(loaded.loss_history["epoch"]) == [1, 2]
    # Restarted optimizers (and a reseeded backend generator) do not continue the run:
    # the weights differ from those of the uninterrupted 2-epoch fit.
    whole = SyntheticGenerator(backend="torch", **{**options, "epochs": 2}).fit(df)
    expected, got = (
        whole.backend.get_weights(whole._fitted.model),
        loaded.backend.get_weights(loaded._fitted.model),
    )
    assert any(not np.array_equal(got[k], expected[k]) for k in expected)
