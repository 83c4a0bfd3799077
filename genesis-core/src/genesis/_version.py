"""The version shared by the four Genesis distributions (they move in lockstep)."""

__version__ = "0.1.0"
