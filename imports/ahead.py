"""Parsing a file in a child process while this one gets ready to store it.

`cme import-register` spends its first third of a second importing the database layer and
checking the database, and reading a full-year .xlsx takes another half second; python-calamine
holds the GIL, so only a second process can do both at once. `parse_ahead` forks a child that
parses the file; `parse_register` then takes the child's result for the same bytes instead of
parsing them again. Anything unexpected (no fork, other threads, a child that fails) simply
means the file is parsed in the usual way.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pickle
import signal
import sys
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from imports.errors import RegisterError

if TYPE_CHECKING:
    from imports.model import Register


@dataclass
class _Child:
    data: bytes
    filename: str
    max_bytes: int
    pid: int
    fd: int


_child: _Child | None = None


def parse_ahead(data: bytes, filename: str, max_bytes: int) -> None:
    """Start parsing `data` in a child process, if this process can fork safely."""
    global _child
    # Forking while other threads run can leave the child holding a lock nobody releases;
    # on macOS a forked child may crash in system libraries, so only Linux forks here.
    if _child is not None or not sys.platform.startswith("linux"):
        return
    if threading.active_count() > 1:
        return
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: parse, send the outcome, and leave without any clean-up
        code = 1
        try:
            os.close(read_end)
            from imports.register import parse_register

            outcome: Register | RegisterError
            try:
                outcome = parse_register(data, filename, max_bytes)
            except RegisterError as exc:
                outcome = exc
            with os.fdopen(write_end, "wb") as out:
                out.write(pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL))
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    _child = _Child(data, filename, max_bytes, pid, read_end)
    atexit.register(discard)


def parsed_ahead(data: bytes, filename: str, max_bytes: int) -> Register | None:
    """The child's register for these bytes (raising its RegisterError), or None."""
    global _child
    child = _child
    if child is None or child.filename != filename or child.data != data:
        return None
    _child = None
    with os.fdopen(child.fd, "rb") as source:
        payload = source.read()
    _, status = os.waitpid(child.pid, 0)
    if status != 0 or not payload:
        return None
    outcome = pickle.loads(payload)  # noqa: S301 (our own child's bytes, through a pipe)
    if isinstance(outcome, RegisterError):
        # The size limit is the one check that depends on the caller.
        if len(data) > min(max_bytes, child.max_bytes):
            return None
        raise outcome
    if len(data) > max_bytes:
        return None
    result: Register = outcome
    return result


def discard() -> None:
    """Stop a child whose result was not needed (the file was refused before parsing)."""
    global _child
    child, _child = _child, None
    if child is None:
        return
    with contextlib.suppress(OSError):
        os.kill(child.pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        os.close(child.fd)
    with contextlib.suppress(OSError):
        os.waitpid(child.pid, 0)
