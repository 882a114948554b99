"""Database URLs: a lenient parser, a display form without secrets, and scrubbing of known secrets.

`postgresql://`, `postgres://`, `mysql://`, `mariadb://` (with `+driver` suffixes):

    scheme://[user[:password]@]host[:port][,host[:port]...]/[database][?key=value&...]

The rules, chosen so that a password is never taken for a host, a path or a query:

- The userinfo is everything between `://` and the LAST `@` of the URL outside the values of
  secret query parameters, so a password may contain unencoded `/ @ : ? #` (and so may a
  `?password=` value). The user name ends at the first `:` of the userinfo (a `:` in a user name must
  be written `%3A`). An `@` after the host (in the database name or a non-secret query value) must be
  written `%40`, or it is taken for the end of the userinfo.
- `#` has no special meaning (database URLs have no fragment): it is part of the text it is in.
- The host list ends at the first `/` or `?` after the userinfo; hosts are separated by `,`; an IPv6
  address is written in brackets (`[::1]:5432`); a port is a number from 1 to 65535.
- Query values are percent-decoded (`+` stays `+`). `password`, `passwd` and `pwd` give the password
  (they win over the userinfo, as in libpq); any parameter whose name says it is secret (see
  `is_secret_name`) is kept for the driver but never shown. A segment without `=` that follows a
  secret parameter is taken as the rest of its value (`?password=a&b` is the password `a&b`).
- A port that is not a number is shown as `***` and nothing after it is shown: `user:password/db`
  with the `@host` forgotten reads as host `user` with port `password`.

`DbUrl.redacted` is the URL as written with the password and secret parameters left out; it names the
source everywhere (messages, reports, JSON, DOT, snapshots). Every secret a parsed URL carries is
registered in a process-wide set that `scrub` removes from any text: the CLI passes everything it
prints or writes through it, the catalog readers pass every driver message through it.
"""

from __future__ import annotations

import difflib
import io
import ipaddress
import json
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TextIO
from urllib.parse import quote, quote_plus, unquote

from ddlcompare.errors import DdlError

SCHEMES = {"postgresql": "postgres", "postgres": "postgres", "mysql": "mysql", "mariadb": "mysql"}
MASK = "***"
# Shorter secrets are not scrubbed: they would match ordinary text (a migration that mentions `pw`);
# they still never reach a name or message, which are built from the redacted form.
MIN_SECRET = 4
PASSWORD_KEYS = frozenset({"password", "passwd", "pwd"})

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_SECRET_WORD = re.compile(r"password|passwd|pwd|secret|token|passphrase|credential|(?<!ssl)_?key$", re.I)
_PORT = re.compile(r"[0-9]{1,5}")
_QUERY_KEY = re.compile(r"[?&]([A-Za-z0-9_.%~-]+)=")


def is_secret_name(name: str) -> bool:
    """Whether a query parameter's value is a secret: the name contains password, passwd, pwd,
    secret, token, passphrase or credential, or ends in `key` (but not `sslkey`/`ssl_key`, a file)."""
    return bool(_SECRET_WORD.search(name))


def dialect_of(spec: str) -> str | None:
    """`postgres` or `mysql` for a spec that starts with a database URL scheme and `:`, else None."""
    m = _SCHEME.match(spec)
    return SCHEMES.get(m.group(1).split("+", 1)[0].lower()) if m else None


def is_url(spec: str) -> bool:
    """A database URL: a known scheme followed by `://`."""
    m = _SCHEME.match(spec)
    return m is not None and dialect_of(spec) is not None and spec.startswith("//", m.end())


def url_scheme(spec: str) -> str | None:
    """The scheme of anything written as a URL (`scheme://`), known or not (`postgresq`, `sqlite`)."""
    m = _SCHEME.match(spec)
    return m.group(1) if m is not None and spec.startswith("//", m.end()) else None


def unknown_scheme(spec: str) -> DdlError:
    """The error for a URL whose scheme ddlcompare does not read (shown without its password), with
    the known scheme it was probably meant to be."""
    scheme = url_scheme(spec) or ""
    near = difflib.get_close_matches(scheme.split("+", 1)[0].lower(), SCHEMES, n=1, cutoff=0.6)
    known = ", ".join(f"{s}://" for s in SCHEMES)
    return DdlError(
        f"{redact(spec)}: unknown URL scheme {scheme!r}",
        hint=(f"did you mean {near[0]}://? " if near else "") + f"ddlcompare reads {known} URLs",
    )


# --------------------------------------------------------------------------------------------
# Splitting (never fails: the display form and the secrets of any text are known before validation)


@dataclass(frozen=True, slots=True)
class _Param:
    """One query segment as written: the raw text, and the decoded key and value."""

    raw: str
    key: str
    value: str
    secret: bool


@dataclass(frozen=True, slots=True)
class _Split:
    scheme: str
    sep: str  # "://" as it should be, or what stands in its place
    userinfo: str | None
    authority: str
    path: str
    query: tuple[_Param, ...]
    password_raw: str | None  # the password as written in the userinfo

    @property
    def user_raw(self) -> str | None:
        return None if self.userinfo is None else self.userinfo.partition(":")[0]


def _decode(text: str) -> str:
    return unquote(text, errors="replace")


def _secret_spans(rest: str) -> list[tuple[int, int]]:
    """Where the values of secret query parameters are: `?key=` or `&key=` with a secret name, up to
    the next `&` that starts a `key=value` segment (a segment without `=` continues the value)."""
    spans: list[tuple[int, int]] = []
    covered = 0
    for m in _QUERY_KEY.finditer(rest):
        if m.start() < covered or not is_secret_name(_decode(m.group(1))):
            continue
        end = m.end()
        while True:
            amp = rest.find("&", end)
            if amp < 0:
                end = len(rest)
                break
            nxt = rest.find("&", amp + 1)
            if "=" in rest[amp + 1 : nxt if nxt >= 0 else len(rest)]:
                end = amp
                break
            end = amp + 1
        spans.append((m.end(), end))
        covered = end
    return spans


def _split(url: str) -> _Split:
    m = _SCHEME.match(url)
    scheme = m.group(1) if m else ""
    rest = url[m.end() :] if m else url
    sep = (":" if m else "") + ("//" if rest.startswith("//") else "")
    rest = rest[2:] if rest.startswith("//") else rest
    # delimiters are looked for outside the values of secret parameters: `?password=a@b/c` has no
    # userinfo, host or path in its value
    masked = rest
    for a, b in _secret_spans(rest):
        masked = masked[:a] + "\0" * (b - a) + masked[b:]
    at = masked.rfind("@")
    userinfo = rest[:at] if at >= 0 else None
    base = at + 1
    qmark = masked.find("?", base)
    head_end = qmark if qmark >= 0 else len(rest)
    slash = masked.find("/", base, head_end)
    auth_end = slash if slash >= 0 else head_end
    authority, path = rest[base:auth_end], rest[auth_end:head_end]
    params: list[_Param] = []
    if qmark >= 0:
        pos = qmark + 1
        for seg_masked in masked[qmark + 1 :].split("&"):
            seg = rest[pos : pos + len(seg_masked)]
            pos += len(seg_masked) + 1
            if not seg:
                continue
            key, _, value = seg.partition("=")
            name = _decode(key)
            # a segment that holds a secret value is secret whatever its name (`?a=x?password=y`)
            params.append(_Param(seg, name, _decode(value), is_secret_name(name) or "\0" in seg_masked))
    password = None
    if userinfo is not None and ":" in userinfo:
        password = userinfo.partition(":")[2]
    return _Split(scheme, sep, userinfo, authority, path, tuple(params), password)


def _port_ok(text: str) -> bool:
    return text == "" or (_PORT.fullmatch(text) is not None and 1 <= int(text) <= 65535)


def _is_ipv6(text: str) -> bool:
    try:
        ipaddress.IPv6Address(text)
        return True
    except ValueError:
        return False


def _authority_display(s: _Split) -> tuple[str, str | None]:
    """The host list as shown, and the text that is not shown (None when all of it is).

    A host whose port is not a number is shown as *** with nothing after it: both may be parts of a
    password (`user:password/db` with the `@host` forgotten reads as host `user`, port `password`;
    `user:pa@ss:word/db` as host `ss`, port `word/db`)."""
    shown: list[str] = []
    for item in s.authority.split(","):
        if not item.startswith("[") and not _is_ipv6(_decode(item)):  # (unbracketed: an error)
            _, colon, port = item.partition(":")
            if colon and not _port_ok(port):
                start = sum(len(x) + 1 for x in shown)  # where this host starts
                shown.append(MASK)
                query = "&".join(p.raw for p in s.query)
                return ",".join(shown), s.authority[start:] + s.path + (f"?{query}" if query else "")
        shown.append(item)
    return s.authority, None


def _display(s: _Split) -> str:
    out = s.scheme + s.sep
    if s.userinfo is not None:
        out += f"{s.user_raw}@"
    authority, hidden = _authority_display(s)
    out += authority
    if hidden is None:
        out += s.path
        kept = [p.raw for p in s.query if not p.secret and p.key.lower() not in PASSWORD_KEYS]
        if kept:
            out += "?" + "&".join(kept)
    return out


def _secret_values(s: _Split) -> list[tuple[str, str]]:
    """(as written, decoded) of every secret in the URL."""
    out: list[tuple[str, str]] = []
    if s.password_raw:
        out.append((s.password_raw, _decode(s.password_raw)))
    for p in s.query:
        if (p.secret or p.key.lower() in PASSWORD_KEYS) and p.value:
            out.append((p.raw.partition("=")[2], p.value))
    hidden = _authority_display(s)[1]
    if hidden:  # the masked "port" and what follows it may be a password (see _authority_display)
        out.append((hidden, _decode(hidden)))
    return out


def forms(raw: str, value: str) -> set[str]:
    """The spellings a secret may take in output: as written, decoded, percent-encoded (both hex
    cases, `+` for spaces or not) and JSON-escaped."""
    out = {raw, value, quote(value, safe=""), quote(value, safe="/:@!$&'()*+,;=~"), quote_plus(value)}
    out.add(json.dumps(value, ensure_ascii=False)[1:-1])
    out |= {re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), f) for f in list(out)}
    return {f for f in out if f}


def _secrets_of(s: _Split, shown: str) -> frozenset[str]:
    """Every spelling of every secret of a URL, except a secret the display shows anyway (a password
    equal to the user name, say: hiding it would only garble the user name)."""
    out: set[str] = set()
    for raw, value in _secret_values(s):
        if value in shown or raw in shown:
            continue
        out |= forms(raw, value)
    return frozenset(out)


def redact(url: str) -> str:
    """The URL as written without its password and secret parameters; never fails."""
    return _display(_split(url))


# --------------------------------------------------------------------------------------------
# The process-wide registry and scrubbing

_registry: set[str] = set()


def register(secrets: Iterable[str]) -> None:
    """Remember secrets so that `scrub` removes them from every text (too short ones are ignored)."""
    _registry.update(s for s in secrets if len(s) >= MIN_SECRET)


def register_secret(value: str) -> None:
    """Register a password from elsewhere (an option file, an environment variable) in all its forms."""
    if value:
        register(forms(value, value))


def register_url(spec: str) -> None:
    """Register the secrets of anything that looks like a database URL (malformed or not), or is
    written as a URL of another scheme (a mistyped `postgresq://u:pw@h/db`)."""
    if dialect_of(spec) is not None or url_scheme(spec) is not None:
        s = _split(spec)
        register(_secrets_of(s, _display(s)))


def scrub(text: str, secrets: Iterable[str] | None = None) -> str:
    """`text` with every secret (the registered ones by default) replaced by ***, longest first."""
    pool = _registry if secrets is None else secrets
    if not pool or not text:
        return text
    for secret in sorted((s for s in pool if s in text), key=lambda s: (-len(s), s)):
        text = text.replace(secret, MASK)
    return text


@contextmanager
def secret_scope() -> Iterator[None]:
    """A fresh registry for one command (secrets of earlier library calls do not garble its output)."""
    global _registry
    saved, _registry = _registry, set()
    try:
        yield
    finally:
        _registry = saved


class ScrubbedWriter(io.TextIOBase):
    """A text stream that scrubs registered secrets from every write before passing it on.

    It has no `buffer`, so that click and rich write text through it instead of bytes around it."""

    def __init__(self, target: TextIO, on_scrub: Callable[[], None] | None = None) -> None:
        super().__init__()
        self._target = target
        self._on_scrub = on_scrub

    def write(self, s: str) -> int:
        if not isinstance(s, str):  # click probes for a binary stream with write(b"")
            raise TypeError(f"write() argument must be str, not {type(s).__name__}")
        clean = scrub(s)
        if clean != s and self._on_scrub is not None:
            self._on_scrub()
        self._target.write(clean)
        return len(s)

    def writable(self) -> bool:
        return True

    def flush(self) -> None:
        if not getattr(self._target, "closed", False):  # also called when the writer is collected
            self._target.flush()

    def isatty(self) -> bool:
        return self._target.isatty()

    def fileno(self) -> int:
        return self._target.fileno()

    @property
    def encoding(self) -> str | None:  # type: ignore[override]
        return getattr(self._target, "encoding", None)

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self._target, "errors", None)


# --------------------------------------------------------------------------------------------
# Parsing


@dataclass(frozen=True, slots=True)
class Host:
    """One host of the URL: a name (IPv6 without brackets, or a socket directory) and its port."""

    name: str
    port: int | None


@dataclass(frozen=True, slots=True)
class DbUrl:
    """A parsed database URL. Its repr and str show the redacted form only."""

    scheme: str  # lower case, with its +driver suffix
    dialect: str  # postgres or mysql
    user: str | None
    password: str | None = field(repr=False)
    hosts: tuple[Host, ...]
    database: str | None
    params: tuple[tuple[str, str], ...]  # non-secret query parameters, decoded, in order (not user)
    secret_params: tuple[tuple[str, str], ...] = field(repr=False)  # secret ones but the password
    redacted: str
    secrets: frozenset[str] = field(repr=False)  # every spelling of every secret, for scrub()

    def __str__(self) -> str:
        return self.redacted

    def scrub(self, text: str) -> str:
        """A driver's message without this URL's secrets (of any length)."""
        return scrub(text, self.secrets)

    def param(self, key: str) -> str | None:
        """The last value of a query parameter (secret or not), or None."""
        found = None
        for k, v in (*self.params, *self.secret_params):
            if k == key:
                found = v
        return found


def _fail(shown: str, what: str, hint: str | None = None) -> DdlError:
    return DdlError(f"{shown}: bad database URL: {what}", hint=hint)


def _hosts(authority: str, shown: str) -> tuple[Host, ...]:
    if not authority:
        return ()
    out: list[Host] = []
    for item in authority.split(","):
        if item.startswith("["):
            end = item.find("]")
            if end < 0:
                raise _fail(shown, "an IPv6 address without its closing ]", "write it like [::1]:5432")
            name, tail = _decode(item[1:end]), item[end + 1 :]
            if not _is_ipv6(name):
                raise _fail(shown, "not an IPv6 address in [ ]", "write it like [::1]:5432")
            if tail and not tail.startswith(":"):
                raise _fail(shown, "text after the ] of an IPv6 address", "write it like [::1]:5432")
            port = tail[1:] if tail else ""
        else:
            bare = _decode(item)
            if item.count(":") > 1 and (_is_ipv6(bare) or _is_ipv6(bare.rpartition(":")[0])):
                raise _fail(shown, "an IPv6 address must be in brackets", "write it like [::1]:5432")
            raw, _, port = item.partition(":")
            if "[" in raw or "]" in raw:
                raise _fail(shown, "a [ or ] outside an IPv6 address", "write it like [::1]:5432")
            name = _decode(raw)
        if not _port_ok(port):
            raise _fail(shown, "the port is not a number from 1 to 65535")
        out.append(Host(name, int(port) if port else None))
    return tuple(out)


def parse(url: str) -> DbUrl:
    """Parse a database URL (see the module docstring); its secrets are registered for `scrub`.

    A malformed URL is a DdlError that shows only the redacted form."""
    s = _split(url)
    shown = _display(s)
    secrets = _secrets_of(s, shown)
    register(secrets)
    dialect = dialect_of(url)
    if dialect is None or not is_url(url):
        raise DdlError(
            f"{shown}: not a database URL",
            hint="write postgresql://user@host:port/db or mysql://user@host:port/db",
        )
    for p in s.query:
        if not p.key:
            raise _fail(shown, "a query parameter without a name")
    if s.user_raw is not None and any(c in s.user_raw for c in "/?"):
        raise _fail(shown, "an @ after the host", "write @ in a database name or parameter as %40")
    hosts = _hosts(s.authority, shown)
    user = _decode(s.user_raw) if s.user_raw else None
    password = _decode(s.password_raw) if s.password_raw is not None else None
    params: list[tuple[str, str]] = []
    hidden: list[tuple[str, str]] = []
    for p in s.query:
        key = p.key.lower() if p.key.lower() in PASSWORD_KEYS | {"user"} else p.key
        if key in PASSWORD_KEYS:
            password = p.value
        elif key == "user":
            user = p.value or None
        elif p.secret:
            hidden.append((p.key, p.value))
        else:
            params.append((p.key, p.value))
    return DbUrl(
        scheme=s.scheme.lower(),
        dialect=dialect,
        user=user,
        password=password,
        hosts=hosts,
        database=(_decode(s.path[1:]) or None) if s.path else None,
        params=tuple(params),
        secret_params=tuple(hidden),
        redacted=shown,
        secrets=secrets,
    )
