"""Plain parameterised bulk statements on the current transaction's own connection: for writes
of thousands of rows, where a Piccolo statement per row costs more than the work."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from itertools import count
from typing import Any

from cme.storage.engine import current_engine, is_sqlite


class Connection:
    """The current transaction's connection, for statements written with `?`."""

    def __init__(self) -> None:
        transaction = current_engine().current_transaction.get()
        assert transaction is not None, "bulk statements run inside a transaction"
        self.raw: Any = transaction.connection
        self.sqlite = is_sqlite()

    def _sql(self, sql: str) -> str:
        if self.sqlite:
            return sql
        numbers = count(1)
        return re.sub(r"\?", lambda _: f"${next(numbers)}", sql)

    async def fetch(self, sql: str, *args: Any) -> list[Mapping[str, Any]]:
        if self.sqlite:
            async with self.raw.execute(sql, args) as cursor:
                return list(await cursor.fetchall())
        return list(await self.raw.fetch(self._sql(sql), *args))

    async def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            await self.raw.executemany(self._sql(sql), rows)

    async def insert(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        if self.sqlite:
            marks = ", ".join("?" * len(columns))
            await self.execute_many(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows
            )
        else:
            await self.raw.copy_records_to_table(table, records=rows, columns=list(columns))
