"""A prefetch worker's connection that dies: for the tests of both dialects' prefetch.py."""

from __future__ import annotations

import os
from multiprocessing.connection import Connection
from typing import Any


class SendsOnce:
    """Passes one message on, then ends the worker process (the main process sees it gone)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def send(self, msg: Any) -> None:
        self.conn.send(msg)
        os._exit(1)

    def close(self) -> None:
        self.conn.close()
