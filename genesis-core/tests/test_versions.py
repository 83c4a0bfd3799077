"""The four distributions move in lockstep, and the extras pin exactly that version."""

import tomllib
from core_helpers import REPO_ROOT

import genesis

DISTS = ["genesis-core", "genesis-torch", "genesis-tensorflow", "genesis-testkit"]


def _project(dist):
    return tomllib.loads((REPO_ROOT / dist / "pyproject.toml").read_text())["project"]


def test_versions_move_in_lockstep():
    versions = {dist: _project(dist)["version"] for dist in DISTS}
    assert set(versions.values()) == {genesis.__version__}, versions


def test_dependencies_pin_the_same_version():
    v = genesis.__version__
    extras = _project("genesis-core")["optional-dependencies"]
    assert extras["torch"] == [f"genesis-torch=={v}"]
    assert extras["tensorflow"] == [f"genesis-tensorflow[cpu]=={v}"]
    for dist in DISTS[1:]:
        assert f"genesis-core=={v}" in _project(dist)["dependencies"], dist


def test_install_commands_are_the_extras():
    from genesis.backends import BUILTIN_INSTALL_COMMANDS

    extras = _project("genesis-core")["optional-dependencies"]
    for name, command in BUILTIN_INSTALL_COMMANDS.items():
        assert command == f"pip install genesis-core[{name}]"
        assert name in extras


def test_entry_points_are_declared():
    assert _project("genesis-torch")["entry-points"]["genesis.backends"] == {
        "torch": "genesis_torch.plugin"
    }
    assert _project("genesis-tensorflow")["entry-points"]["genesis.backends"] == {
        "tensorflow": "genesis_tensorflow.plugin"
    }
    assert _project("genesis-testkit")["entry-points"]["pytest11"] == {
        "genesis": "genesis_testkit.plugin"
    }
