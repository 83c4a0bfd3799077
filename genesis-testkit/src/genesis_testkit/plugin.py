"""The pytest plugin (entry point ``pytest11: genesis``).

Adds ``--genesis-backend=NAME``. Without the option it does nothing: no tests
are added and no backend is touched. With it, the conformance suite (the
``check_*.py`` modules of :mod:`genesis_testkit.suite`) is collected and runs
against the named backend; when no test paths were given on the command line,
only the suite runs.

``--genesis-device=KIND`` runs the suite's fits on that device (``cpu``,
``cuda``, ``cuda:1``, ``mps``) instead of the best one the backend sees: it sets
``GENESIS_DEVICE`` for the session, which ``device="auto"`` follows.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from genesis.backends import BackendRegistry

SUITE_DIR = Path(__file__).parent / "suite"
_SAVED_DEVICE = pytest.StashKey[str | None]()
OPTION = "--genesis-backend"
DEVICE_OPTION = "--genesis-device"


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register ``--genesis-backend``."""
    group = parser.getgroup("genesis", "Genesis backend conformance suite")
    group.addoption(
        OPTION,
        action="store",
        dest="genesis_backend",
        default=None,
        metavar="NAME",
        help="run the Genesis conformance suite against the installed backend NAME "
        "(torch, tensorflow, or a third-party backend's name).",
    )
    group.addoption(
        DEVICE_OPTION,
        action="store",
        dest="genesis_device",
        default=None,
        metavar="KIND",
        help="run the suite's fits on this device (cpu, cuda, cuda:1, mps) instead of the "
        "best the backend sees; sets GENESIS_DEVICE for the session.",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Point collection at the suite when ``--genesis-backend`` is given."""
    config.addinivalue_line(
        "markers", "genesis_capability(name): the test needs a backend capability"
    )
    device = config.getoption("genesis_device")
    if device:
        from genesis.backends import DEVICE_ENV_VAR

        config.stash[_SAVED_DEVICE] = os.environ.get(DEVICE_ENV_VAR)
        os.environ[DEVICE_ENV_VAR] = device
    if not config.getoption("genesis_backend"):
        return
    suite = str(SUITE_DIR)
    explicit = config.args_source == pytest.Config.ArgsSource.ARGS
    if not explicit:
        config.args[:] = [suite]
    elif suite not in config.args:
        config.args.append(suite)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Put ``GENESIS_DEVICE`` back as it was before ``--genesis-device``."""
    if _SAVED_DEVICE not in config.stash:
        return
    from genesis.backends import DEVICE_ENV_VAR

    saved = config.stash[_SAVED_DEVICE]
    if saved is None:
        os.environ.pop(DEVICE_ENV_VAR, None)
    else:
        os.environ[DEVICE_ENV_VAR] = saved


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Module | None:
    """Collect the suite's ``check_*.py`` modules, only under ``--genesis-backend``."""
    if not parent.config.getoption("genesis_backend"):
        return None
    if (
        file_path.suffix == ".py"
        and file_path.name.startswith("check_")
        and file_path.parent == SUITE_DIR
    ):
        return pytest.Module.from_parent(parent, path=file_path)
    return None


def pytest_report_header(config: pytest.Config) -> str | None:
    """Say which backend (and device) the suite runs against."""
    name = config.getoption("genesis_backend")
    device = config.getoption("genesis_device")
    if not name:
        return None
    return f"genesis conformance suite: backend={name}" + (f", device={device}" if device else "")


@pytest.fixture(scope="session")
def genesis_backend_name(request: pytest.FixtureRequest) -> str:
    """Contract: the name of the backend under test.

    Comes from ``--genesis-backend``; a third party that subclasses the suite in
    its own test files may override this fixture to return its backend's name.
    """
    name = request.config.getoption("genesis_backend")
    if not name:
        pytest.fail(
            "The Genesis conformance suite needs a backend: run pytest with "
            "--genesis-backend=NAME or override the genesis_backend_name fixture.",
            pytrace=False,
        )
    return str(name)


@pytest.fixture(scope="session")
def genesis_registry():
    """Contract: a :class:`genesis.backends.BackendRegistry` discovered through entry points."""
    from genesis.backends import discover_backends

    return discover_backends()


@pytest.fixture(scope="session")
def genesis_backend(genesis_backend_name: str, genesis_registry):
    """Contract: the :class:`genesis.backends.Backend` under test, selected by name.

    Fails (never skips) when the backend is not installed or not usable.
    """
    from genesis.backends import BackendNotAvailableError

    try:
        return genesis_registry.backend(genesis_backend_name)
    except BackendNotAvailableError as exc:
        pytest.fail(f"backend {genesis_backend_name!r} is not usable: {exc}", pytrace=False)


#: The backend the parity tests compare with, unless it is the one under test.
REFERENCE_BACKEND = "torch"


@pytest.fixture
def genesis_reference_backend_name(
    genesis_backend_name: str, genesis_registry: BackendRegistry, method: str
) -> str | None:
    """Contract: the backend the parity tests compare the backend under test with, for ``method``.

    ``method`` is the parity test's parameter (``"ctgan"``, ``"tvae"`` or
    ``"timegan"``). The default is torch, or, when torch is the backend under
    test or does not declare ``method``, the first other usable backend in
    selection order that declares it; ``None`` when no such backend is
    installed, and then the parity tests skip (there is nothing to compare
    with). Override this fixture to compare with another backend.
    """
    from genesis.backends.registry import canonical_name

    under_test = canonical_name(genesis_backend_name)
    names = [
        canonical_name(info.name)
        for info in genesis_registry.available()
        if method in info.capabilities
    ]
    names.sort(key=lambda name: name != REFERENCE_BACKEND)  # stable: selection order after it
    return next((name for name in names if name != under_test), None)


@pytest.fixture
def genesis_env_clean(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Contract: ``GENESIS_BACKEND`` is unset for the test."""
    monkeypatch.delenv("GENESIS_BACKEND", raising=False)
    yield
