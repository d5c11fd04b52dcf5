"""Where the database lives and how to open it safely from several processes.

DuckDB lets one process write a file *or* many processes read it. Every connection here is
short-lived: writers hold theirs for one batch, readers for one query, and both retry with backoff
while another process holds a conflicting lock.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from .schema import SchemaVersionError, check_version, create_schema

ENV_VAR = "TENSION_DB"
REPO_ROOT = Path(__file__).resolve().parents[2]

# How long to wait for another process's lock before giving up: comfortably longer than one write
# batch (a few seconds) or one dashboard query.
LOCK_TIMEOUT_S = 120.0
# Backoff between lock attempts: starts short so a reader barely notices a batch commit.
_RETRY_FIRST_S = 0.02
_RETRY_MAX_S = 0.5


class StoreLockedError(RuntimeError):
    """The database file stayed locked by another process for longer than the timeout."""


def default_db_path() -> Path:
    """``$TENSION_DB`` if set, else ``<repo>/data/tension.duckdb``."""
    env = os.environ.get(ENV_VAR)
    return Path(env) if env else REPO_ROOT / "data" / "tension.duckdb"


def _is_lock_conflict(error: duckdb.Error) -> bool:
    message = str(error)
    # another process holds the file / this process has it open with the other access mode
    return "Could not set lock" in message or "different configuration" in message


class Store:
    """A DuckDB database: a file (default :func:`default_db_path`) or ``":memory:"`` for tests."""

    def __init__(self, path: str | Path | None = None, *, lock_timeout: float = LOCK_TIMEOUT_S):
        self.memory = str(path) == ":memory:"
        self.path = Path(path) if path is not None and not self.memory else default_db_path()
        self.lock_timeout = lock_timeout
        self._shared: duckdb.DuckDBPyConnection | None = None
        if self.memory:
            self._shared = duckdb.connect(":memory:")
            create_schema(self._shared)
        self._schema_ready = self.memory

    def __repr__(self) -> str:
        return "Store(':memory:')" if self.memory else f"Store({str(self.path)!r})"

    def _connect(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        deadline = time.monotonic() + self.lock_timeout
        delay = _RETRY_FIRST_S
        while True:
            try:
                return duckdb.connect(str(self.path), read_only=read_only)
            except duckdb.Error as error:
                if not _is_lock_conflict(error):
                    raise
                if time.monotonic() >= deadline:
                    raise StoreLockedError(
                        f"{self.path}: still locked by another process after "
                        f"{self.lock_timeout:.0f} s ({error})"
                    ) from error
            time.sleep(delay)
            delay = min(delay * 2, _RETRY_MAX_S)

    def ensure_schema(self) -> None:
        """Create (or bring up to date) the schema now rather than on the first write."""
        with self.write():
            pass

    @contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection, closed on exit."""
        if self._shared is not None:
            with self._shared.cursor() as cursor:
                yield cursor
            return
        if not self.path.exists():
            self.ensure_schema()  # readers of a new file see empty tables
        con = self._connect(read_only=True)
        if not self._schema_ready:
            try:
                check_version(con)
            except SchemaVersionError:
                con.close()
                raise
            self._schema_ready = True
        try:
            yield con
        finally:
            con.close()

    @contextmanager
    def write(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection (schema created on first use), closed on exit.

        An open transaction that was not committed is rolled back when the connection closes.
        """
        if self._shared is not None:
            with self._shared.cursor() as cursor:
                yield cursor
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = self._connect(read_only=False)
        try:
            if not self._schema_ready:
                create_schema(con)
                self._schema_ready = True
            yield con
        finally:
            con.close()
