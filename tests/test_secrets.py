"""No password in any output: every URL form, both dialects, through the real command line.

For each dialect, URL form (password in the userinfo or the query, encoded or with unencoded
`/ @ : ? #`, IPv6 hosts valid and malformed, bad ports, the host forgotten), password (the right one
and a wrong one) and server (reachable, or a closed local port), five commands run: compare to a file
(SQL on stdout), compare with --output-dir and --format json, compare the URL with itself as
markdown, compare as DOT, and snapshot. Every byte they print or write is searched for the password,
plain, percent-encoded, and any 5-character piece of it. The outcome is checked too (success, a
connection error, or a bad-URL error, as the case should give), so that each path is really taken.

PostgreSQL runs against a private cluster with scram-sha-256 (tests/support/pgauth.py: the shared
server trusts 127.0.0.1, so a wrong password would pass there); MariaDB against the shared server over
TCP 127.0.0.1:3306 with a user that has a password. Both are created here and dropped afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from tests.support import pgauth, pwservers
from tests.support.cli import Run, run, run_process
from tests.support.diffjson import validated
from tests.support.pwservers import Server

SECRET = "S3cr/et@P:w#?x"
WRONG = "Wr0ng/pa@ss:w#?y"
PASSWORDS = {"right": SECRET, "wrong": WRONG}


def spellings(password: str) -> set[str]:
    """The password as it could leak: plain, percent-encoded (either hex case), and every 5-character
    piece of it (a partial leak)."""
    encoded = {quote(password, safe=""), quote(password, safe="/:@"), quote_plus(password)}
    encoded |= {re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), e) for e in encoded}
    pieces = {password[i : i + 5] for i in range(len(password) - 4)}
    return {password} | encoded | pieces


LEAKS = {name: spellings(pw) for name, pw in PASSWORDS.items()}

# (form, template, outcome): outcome "ok" connects when the password is right and the server is up,
# "bad" is refused as a malformed URL before any connection; {pe} is the percent-encoded password
FORMS: list[tuple[str, str, str]] = [
    ("userinfo-encoded", "{s}://{u}:{pe}@{h}:{port}/{db}", "ok"),
    ("userinfo-raw", "{s}://{u}:{p}@{h}:{port}/{db}", "ok"),
    ("userinfo-raw-alias", "{s2}://{u}:{p}@{h}:{port}/{db}", "ok"),
    ("userinfo-raw-driver", "{s3}://{u}:{p}@{h}:{port}/{db}", "ok"),
    ("query-encoded", "{s}://{h}:{port}/{db}?user={u}&password={pe}", "ok"),
    ("query-raw", "{s}://{h}:{port}/{db}?user={u}&password={p}", "ok"),
    ("query-raw-user-in-userinfo", "{s}://{u}@{h}:{port}/{db}?password={p}", "ok"),
    ("query-raw-then-param", "{s}://{u}@{h}:{port}/{db}?password={p}&connect_timeout=5", "ok"),
    ("query-secret-param", "{s}://{u}:{p}@{h}:{port}/{db}?sslpassword={p}", "secret-param"),
    ("ipv6", "{s}://{u}:{p}@[::1]:{port}/{db}", "ipv6"),
    ("ipv6-unclosed", "{s}://{u}:{p}@[::1:{port}/{db}", "bad"),
    ("ipv6-unbracketed", "{s}://{u}:{p}@::1:{port}/{db}", "bad"),
    ("ipv6-not-an-address", "{s}://{u}:{p}@[::zz]:{port}/{db}", "bad"),
    ("ipv6-unclosed-query", "{s}://[::1:{port}/{db}?user={u}&password={p}", "bad"),
    ("port-not-a-number", "{s}://{u}:{p}@{h}:x{port}/{db}", "bad"),
    ("port-too-large", "{s}://{u}:{p}@{h}:99999/{db}", "bad"),
    ("host-forgotten", "{s}://{u}:{p}/{db}", "bad"),
    ("host-forgotten-encoded", "{s}://{u}:{pe}/{db}", "bad"),
]
SCHEMES = {
    "postgres": ("postgresql", "postgres", "postgresql+psycopg"),
    "mysql": ("mysql", "mariadb", "mysql+pymysql"),
}
COMMANDS = ("compare-sql", "compare-json-outdir", "compare-self-markdown", "compare-dot", "snapshot")


@pytest.fixture(scope="module")
def pg_server() -> Iterator[Server]:
    with pwservers.pg_role(SECRET) as server:
        yield server


@pytest.fixture(scope="module")
def my_server() -> Iterator[Server]:
    with pwservers.my_user(SECRET) as server:
        yield server


def url_for(server: Server, template: str, password: str, port: int) -> str:
    s1, s2, s3 = SCHEMES[server.dialect]
    return template.format(
        s=s1, s2=s2, s3=s3, u=server.user, p=password, pe=quote(password, safe=""),
        h="127.0.0.1", port=port, db=server.db,
    )


def expected(server: Server, outcome: str, password: str, reachable: bool) -> str:
    """What a run must end in: `ok`, `connect` (a connection error) or `bad` (a malformed URL)."""
    if outcome == "bad":
        return "bad"
    if outcome == "secret-param" and server.dialect == "mysql":
        return "bad"  # no such PyMySQL parameter: refused by name, before connecting
    if outcome == "ipv6" and not server.ipv6:
        return "connect"
    return "ok" if password == SECRET and reachable else "connect"


def _outputs(r: Run, out_dir: Path | None) -> list[tuple[str, str]]:
    texts = [("stdout", r.stdout), ("stderr", r.stderr), ("traceback", r.crash)]
    if out_dir is not None and out_dir.is_dir():
        files = sorted(p for p in out_dir.rglob("*") if p.is_file())
        texts += [(str(p), p.read_text(encoding="utf-8", errors="replace")) for p in files]
    return texts


def check(r: Run, out_dir: Path | None, want: str, success_code: int, what: str) -> None:
    """No spelling of either password anywhere, no traceback, and the expected outcome."""
    for where, text in _outputs(r, out_dir):
        for name, leaks in LEAKS.items():
            found = sorted(s for s in leaks if s in text)
            assert not found, f"{what}: {name} password in {where}: {found}\n{text[:2000]}"
    assert not r.crash, f"{what}: traceback\n{r.crash}"
    if want == "ok":
        assert r.code == success_code, f"{what}: exit {r.code}\n{r.stderr}"
    else:
        assert r.code == 2, f"{what}: exit {r.code}\n{r.stderr}"
        words = "bad database URL" if want == "bad" else "cannot connect"
        assert words in r.stderr or "unknown URL parameter" in r.stderr, f"{what}: {r.stderr}"


def run_all(
    server: Server, url: str, schema: Path, tmp: Path, want: str, call: Callable[..., Run] = run
) -> int:
    """The five commands on one URL; returns how many ran."""
    cases = {
        "compare-sql": ([str(schema), url], None, 1),
        "compare-json-outdir": ([url, str(schema), "-o", str(tmp / "out"), "-f", "json"], tmp / "out", 1),
        "compare-self-markdown": ([url, url, "-f", "markdown"], None, 0),
        "compare-dot": ([str(schema), url, "-f", "dot"], None, 1),
        "snapshot": (["snapshot", url], None, 0),
    }
    for name, (args, out_dir, code) in cases.items():
        r = call(*args)
        check(r, out_dir, want, code, f"{name} {url!r}")
        if want == "ok" and name == "compare-json-outdir":
            files = sorted(p.name for p in (tmp / "out").iterdir() if p.name != "dependency_graph.svg")
            assert files == ["dependency_graph.dot", "diff.json", "migration_forward.sql",
                             "migration_rollback.sql", "schema_diff_report.md",
                             "schema_validation.log"], files
            validated((tmp / "out" / "diff.json").read_text())
            report = (tmp / "out" / "schema_diff_report.md").read_text()
            assert f"/{server.db}" in report  # the source is named (without its password)
    return len(cases)


LIVE = {"postgres": pytest.mark.live, "mysql": pytest.mark.live_mysql}
DIALECTS = [pytest.param(d, marks=mark) for d, mark in LIVE.items()]
CASES = [
    pytest.param(
        dialect, form, template, outcome, pw, reach, id=f"{dialect}-{form}-{pw}-{reach}", marks=LIVE[dialect]
    )
    for dialect in ("postgres", "mysql")
    for form, template, outcome in FORMS
    for pw in PASSWORDS
    for reach in ("server", "closed-port")
]


@pytest.mark.parametrize(("dialect", "form", "template", "outcome", "pw", "reach"), CASES)
def test_no_password_in_any_output(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    dialect: str,
    form: str,
    template: str,
    outcome: str,
    pw: str,
    reach: str,
) -> None:
    server: Server = request.getfixturevalue("pg_server" if dialect == "postgres" else "my_server")
    password = PASSWORDS[pw]
    reachable = reach == "server"
    port = server.port if reachable else pgauth.free_port()
    url = url_for(server, template, password, port)
    schema = tmp_path / "schema.sql"
    schema.write_text("CREATE TABLE t (a int, b int);\n")
    assert password in url or quote(password, safe="") in url  # the URL really carries it
    want = expected(server, outcome, password, reachable)
    assert run_all(server, url, schema, tmp_path, want) == len(COMMANDS)


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("form", ["userinfo-raw", "query-raw", "ipv6-unclosed"])
def test_no_password_as_a_process(
    request: pytest.FixtureRequest, tmp_path: Path, dialect: str, form: str
) -> None:
    """The same through `python -m ddlcompare` (real stdout and stderr, the console script's path)."""
    server: Server = request.getfixturevalue("pg_server" if dialect == "postgres" else "my_server")
    template, outcome = next((t, o) for f, t, o in FORMS if f == form)
    url = url_for(server, template, SECRET, server.port)
    schema = tmp_path / "schema.sql"
    schema.write_text("CREATE TABLE t (a int, b int);\n")
    want = expected(server, outcome, SECRET, True)
    assert run_all(server, url, schema, tmp_path, want, run_process) == len(COMMANDS)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_usage_errors_do_not_echo_a_password(
    request: pytest.FixtureRequest, tmp_path: Path, dialect: str
) -> None:
    """A URL in the wrong place reaches click's own messages and ours: they are scrubbed too."""
    server: Server = request.getfixturevalue("pg_server" if dialect == "postgres" else "my_server")
    url = url_for(server, FORMS[1][1], SECRET, server.port)
    a = tmp_path / "a.sql"
    a.write_text("CREATE TABLE t (a int);\n")
    for args in ([str(a), str(a), url], [str(a), str(a), "--dialect", url], ["snapshot", url, url]):
        r = run(*args)
        assert r.code == 2 and not r.crash, r.stderr
        assert "***" in r.stderr  # the URL was echoed, with the password scrubbed
        for leaks in LEAKS.values():
            assert not [s for s in leaks if s in r.stdout + r.stderr], r.stderr


@pytest.mark.parametrize("dialect", DIALECTS)
def test_last_guard_scrubs_a_password_found_in_the_schema(
    request: pytest.FixtureRequest, tmp_path: Path, dialect: str
) -> None:
    """A schema that contains the password (a comment here) has it written as ***, with a warning:
    the scrub of stdout and of every --output-dir file is what catches it."""
    server: Server = request.getfixturevalue("pg_server" if dialect == "postgres" else "my_server")
    url = url_for(server, FORMS[1][1], SECRET, server.port)
    schema = tmp_path / "schema.sql"
    if dialect == "postgres":
        schema.write_text(f"CREATE TABLE t (a int);\nCOMMENT ON TABLE t IS '{SECRET}';\n")
    else:
        schema.write_text(f"CREATE TABLE t (a int) COMMENT '{SECRET}';\n")
    r = run(url, str(schema), "-o", str(tmp_path / "out"), "-f", "markdown")
    assert r.code == 1 and not r.crash, r.stderr
    assert "a database password occurred in the output" in r.stderr
    written = {p.name: p.read_text() for p in (tmp_path / "out").iterdir()}
    assert "'***'" in r.stdout
    validated(written["diff.json"])
    for name in ("diff.json", "migration_forward.sql", "schema_diff_report.md"):  # the rollback drops it
        assert "***" in written[name], name
    for text in (r.stdout, r.stderr, *written.values()):
        assert not [s for s in LEAKS["right"] if s in text]
