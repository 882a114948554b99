"""A private PostgreSQL cluster that checks passwords (scram-sha-256 over TCP), for the password tests.

The shared server trusts every TCP connection from 127.0.0.1, so a wrong password would pass there
and PGPASSWORD or a password file would never be read. This cluster lives in a temporary directory,
listens on a free port on 127.0.0.1 and ::1, and is stopped and removed afterwards. initdb refuses to
run as root: as root it runs as the `postgres` user.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Cluster:
    """A running private cluster: its TCP port and the directory of its socket (superuser, trust)."""

    port: int
    socket_dir: Path
    ipv6: bool  # whether it also answers on [::1]

    def psql(self, sql: str, db: str = "postgres") -> str:
        """Run SQL as the superuser over the socket; raise on error."""
        res = subprocess.run(
            ["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", str(self.socket_dir),
             "-p", str(self.port), "-U", "postgres", "-d", db, "-c", sql],
            capture_output=True,
            text=True,
            check=False,
        )
        if res.returncode != 0:
            raise RuntimeError(res.stderr.strip())
        return res.stdout


def free_port() -> int:
    """A TCP port nothing listens on right now (also what the tests use for an unreachable server)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def available() -> bool:
    """initdb and pg_ctl are installed, and as root there is a `postgres` user to run them as."""
    if shutil.which("initdb") is None or shutil.which("pg_ctl") is None or shutil.which("psql") is None:
        return False
    if os.geteuid() != 0:
        return True
    return subprocess.run(["id", "postgres"], capture_output=True, check=False).returncode == 0


def _as_owner(*cmd: str) -> subprocess.CompletedProcess[str]:
    """Run a server program as the owner of the data directory."""
    full = ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else list(cmd)
    return subprocess.run(full, capture_output=True, text=True, check=False)


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


@contextmanager
def cluster() -> Iterator[Cluster]:
    """Start a scram-sha-256 cluster (about a second), yield it, stop it and delete it."""
    root = Path(tempfile.mkdtemp(prefix="ddlc_pgauth_"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    data = root / "data"
    port = free_port()
    ipv6 = _ipv6_loopback()
    try:
        res = _as_owner(
            "initdb", "-D", str(data), "-U", "postgres", "--auth-local=trust",
            "--auth-host=scram-sha-256", "--no-sync", "-E", "UTF8", "--no-instructions",
        )
        if res.returncode != 0:
            raise RuntimeError(f"initdb failed: {res.stderr.strip()}")
        listen = "127.0.0.1,::1" if ipv6 else "127.0.0.1"
        opts = (
            f"-p {port} -k {root} -c listen_addresses={listen} -c shared_buffers=16MB "
            "-c max_connections=20 -c fsync=off -c full_page_writes=off"
        )
        res = _as_owner("pg_ctl", "-D", str(data), "-o", opts, "-l", str(root / "log"), "-w", "start")
        if res.returncode != 0:
            log = (root / "log").read_text(errors="replace") if (root / "log").exists() else ""
            raise RuntimeError(f"pg_ctl start failed: {res.stderr.strip()} {log[-500:]}")
        try:
            yield Cluster(port, root, ipv6)
        finally:
            _as_owner("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(root, ignore_errors=True)
