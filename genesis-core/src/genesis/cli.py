"""The ``genesis`` command line.

Exit codes: 0 ok, 1 error, 2 bad usage.
"""

from __future__ import annotations

import sys

import click

from genesis._version import __version__

__all__ = ["main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="genesis")
def main() -> None:
    """Genesis: learn a table or time series and generate synthetic data like it."""


@main.command()
@click.option("--traceback", "show_traceback", is_flag=True, help="Show full tracebacks of broken plugins.")
def backends(show_traceback: bool) -> None:
    """List every discovered backend: priority, availability, versions, devices.

    Backends are listed in automatic-selection order; the first available one is
    what `backend='auto'` picks (unless GENESIS_BACKEND says otherwise).
    """
    from genesis.backends import discover_backends
    from genesis.backends.selection import requested_backend_name

    registry = discover_backends()
    rows: list[tuple[str, ...]] = []
    for info in registry.ranked():
        if info.available:
            status = "available"
            try:
                devices = ", ".join(registry.backend(info.name).query_devices())
            except Exception as exc:  # a framework that is installed but broken
                devices = "-"
                status = f"error: {type(exc).__name__}: {exc}"
        else:
            status, devices = f"not available: {info.reason} ({info.install_command})", "-"
        version = f"{info.framework} {info.framework_version or '?'}"
        caps = ", ".join(sorted(info.capabilities)) or "-"
        rows.append((info.name, str(info.priority), status, version, devices, caps))
    for failure in registry.failures.values():
        rows.append((failure.name, "-", f"BROKEN: {failure.error}", failure.distribution or "?", "-", "-"))

    if not rows:
        click.echo(registry.no_backend_message())
        return
    header = ("name", "priority", "status", "framework", "devices", "capabilities")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    requested = requested_backend_name(None)
    if requested != "auto":
        click.echo(f"\nGENESIS_BACKEND selects: {requested}")
    for failure in registry.failures.values():
        click.echo(f"\nplugin {failure.name!r} ({failure.target}) failed to load:", err=True)
        text = failure.traceback if show_traceback else failure.traceback.strip().splitlines()[-1]
        click.echo(text.rstrip(), err=True)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
