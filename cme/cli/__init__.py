"""The `cme` command line."""

from cme.cli.main import main

__all__ = ["main"]
