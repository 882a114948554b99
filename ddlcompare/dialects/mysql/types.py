"""MySQL/MariaDB column types, character sets and collations: canonical spellings and server defaults.

A type is kept as the lower-case text MySQL 8.0.19+ prints in SHOW CREATE TABLE: integer display
widths dropped (except `tinyint(1)`, the boolean spelling MySQL still prints, and with ZEROFILL),
aliases resolved (`integer`, `dec`, `numeric`, `real`, `bool`, `national varchar`, ...) and implicit
lengths spelled out (`char` -> `char(1)`, `decimal` -> `decimal(10,0)`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ddlcompare.errors import DdlError

# MySQL's spatial column types (the grammar rewrites them for sqlglot; they take no DEFAULT)
SPATIAL_TYPES = frozenset(
    {
        "geometry",
        "point",
        "linestring",
        "polygon",
        "multipoint",
        "multilinestring",
        "multipolygon",
        "geometrycollection",
        "geomcollection",
    }
)

# Default collation of each character set on MariaDB 10.x (information_schema.CHARACTER_SETS of 10.11).
_DEFAULT_COLLATIONS = {
    "armscii8": "armscii8_general_ci",
    "ascii": "ascii_general_ci",
    "big5": "big5_chinese_ci",
    "binary": "binary",
    "cp1250": "cp1250_general_ci",
    "cp1251": "cp1251_general_ci",
    "cp1256": "cp1256_general_ci",
    "cp1257": "cp1257_general_ci",
    "cp850": "cp850_general_ci",
    "cp852": "cp852_general_ci",
    "cp866": "cp866_general_ci",
    "cp932": "cp932_japanese_ci",
    "dec8": "dec8_swedish_ci",
    "eucjpms": "eucjpms_japanese_ci",
    "euckr": "euckr_korean_ci",
    "gb18030": "gb18030_chinese_ci",
    "gb2312": "gb2312_chinese_ci",
    "gbk": "gbk_chinese_ci",
    "geostd8": "geostd8_general_ci",
    "greek": "greek_general_ci",
    "hebrew": "hebrew_general_ci",
    "hp8": "hp8_english_ci",
    "keybcs2": "keybcs2_general_ci",
    "koi8r": "koi8r_general_ci",
    "koi8u": "koi8u_general_ci",
    "latin1": "latin1_swedish_ci",
    "latin2": "latin2_general_ci",
    "latin5": "latin5_turkish_ci",
    "latin7": "latin7_general_ci",
    "macce": "macce_general_ci",
    "macroman": "macroman_general_ci",
    "sjis": "sjis_japanese_ci",
    "swe7": "swe7_swedish_ci",
    "tis620": "tis620_thai_ci",
    "ucs2": "ucs2_general_ci",
    "ujis": "ujis_japanese_ci",
    "utf16": "utf16_general_ci",
    "utf16le": "utf16le_general_ci",
    "utf32": "utf32_general_ci",
    "utf8mb3": "utf8mb3_general_ci",
    "utf8mb4": "utf8mb4_general_ci",
}
# MariaDB 11.5+ maps these character sets to UCA 14.0.0 collations by default (character_set_collations:
# https://mariadb.com/kb/en/changes-improvements-in-mariadb-11-5/).
_UCA1400 = ("utf8mb3", "utf8mb4", "ucs2", "utf16", "utf32")


@dataclass(frozen=True, slots=True)
class Server:
    """The server a file was written for, as far as defaults go (from a dump header, else MariaDB 10.11)."""

    mariadb: bool = True
    version: tuple[int, ...] = (10, 11)

    @property
    def default_charset(self) -> str:
        """character_set_server: utf8mb4 on MySQL 8 and on the MariaDB packages (Debian) we target."""
        return "utf8mb4"

    def default_collation(self, charset: str) -> str:
        """The collation a bare CHARACTER SET implies on this server."""
        charset = canonical_charset(charset)
        if not self.mariadb and self.version >= (8, 0):
            if charset == "utf8mb4":
                return "utf8mb4_0900_ai_ci"  # MySQL 8.0 changed the utf8mb4 default
        elif self.mariadb and self.version >= (11, 5) and charset in _UCA1400:
            return f"{charset}_uca1400_ai_ci"
        return _DEFAULT_COLLATIONS.get(charset, f"{charset}_general_ci")

    @property
    def check_names(self) -> str:
        """How unnamed CHECK constraints are named: `mariadb` (CONSTRAINT_n) or `mysql` (t_chk_n)."""
        return "mariadb" if self.mariadb else "mysql"


_SERVER_VERSION = re.compile(r"(?m)^--\s*Server version:?\s*(\d+)\.(\d+)(?:\.(\d+))?([^\n]*)")
_DUMP_HEAD = re.compile(r"(?m)^--\s*(MySQL|MariaDB) dump")


def server_from_text(text: str) -> Server:
    """The server a dump comes from (its header), else MariaDB 10.11 for hand-written DDL."""
    head = text[:4000]
    m = _SERVER_VERSION.search(head)
    if m:
        version = tuple(int(g) for g in m.groups()[:3] if g is not None)
        mariadb = "mariadb" in m.group(4).lower() or version[0] >= 10
        return Server(mariadb, version)
    d = _DUMP_HEAD.search(head)
    if d and d.group(1) == "MySQL" and "MariaDB" not in head:
        return Server(False, (8, 0))
    return Server()


def canonical_charset(name: str) -> str:
    """Lower case; `utf8` is `utf8mb3` (MySQL 8.0.30+ and MariaDB 10.6+ print it so)."""
    name = name.lower()
    return "utf8mb3" if name == "utf8" else name


def canonical_collation(name: str) -> str:
    """Lower case; `utf8_*` collations are `utf8mb3_*`."""
    name = name.lower()
    return "utf8mb3" + name[4:] if name.startswith("utf8_") else name


def charset_of(collation: str) -> str:
    """The character set a collation belongs to."""
    if collation == "binary":
        return "binary"
    return collation.split("_", 1)[0]


# ---- types ---------------------------------------------------------------------------------------

INTEGER_TYPES = frozenset(("tinyint", "smallint", "mediumint", "int", "bigint"))
FLOAT_TYPES = frozenset(("float", "double"))
NUMERIC_TYPES = INTEGER_TYPES | FLOAT_TYPES | {"decimal", "bit", "year"}
STRING_TYPES = frozenset(("char", "varchar", "tinytext", "text", "mediumtext", "longtext", "enum", "set"))
TEMPORAL_TYPES = frozenset(("date", "time", "datetime", "timestamp", "year"))
_BINARY_OF = {
    "char": "binary",
    "varchar": "varbinary",
    "tinytext": "tinyblob",
    "text": "blob",
    "mediumtext": "mediumblob",
    "longtext": "longblob",
}


def text_length_type(base: str, length: int | None) -> str:
    """TEXT(n) / BLOB(n): the smallest type that holds n bytes (MySQL picks it at creation)."""
    if length is None:
        return base
    blob = base == "blob"
    for limit, name in ((255, "tiny"), (65535, ""), (16777215, "medium")):
        if length <= limit:
            return f"{name}{'blob' if blob else 'text'}"
    return "longblob" if blob else "longtext"


_MAX_WIDTH = 4294967295


def check_type_args(base: str, args: tuple[str, ...] | list[str]) -> None:
    """Refuse what MySQL refuses: a length, precision or scale is a plain whole number
    (`varchar(((20)))` and `decimal(1e3)` are syntax errors there)."""
    if base in ("enum", "set"):
        return
    for arg in args:
        if not arg.isdigit() or not arg.isascii():
            raise DdlError(f"the arguments of type {base} are whole numbers, not {arg!r}")
        # the server's limit (its error 1439); the length test first keeps int() off huge numbers
        if len(arg.lstrip("0")) > 10 or int(arg) > _MAX_WIDTH:
            shown = arg if len(arg) <= 30 else arg[:30] + "..."
            raise DdlError(f"the argument {shown} of type {base} is out of range (max = {_MAX_WIDTH})")


@dataclass(frozen=True, slots=True)
class TypeSpec:
    """A column type being canonicalised: base name, arguments and attributes, all lower case."""

    base: str
    args: tuple[str, ...] = ()
    unsigned: bool = False
    zerofill: bool = False
    charset: str | None = None
    collation: str | None = None
    binary: bool = False  # the BINARY attribute of a character type: the charset's _bin collation
    national: bool = False  # NCHAR / NATIONAL VARCHAR: utf8mb3


def canonical_type(spec: TypeSpec, table_collation: str, server: Server) -> tuple[str, str | None]:
    """(canonical type text, resolved collation or None for non-character types)."""
    base, args = spec.base, spec.args
    unsigned = spec.unsigned or spec.zerofill  # ZEROFILL implies UNSIGNED
    if base in INTEGER_TYPES:
        width = ""
        if spec.zerofill and args:
            width = f"({args[0]})"
        elif base == "tinyint" and args == ("1",):
            width = "(1)"  # MySQL 8.0.19+ still prints tinyint(1), the boolean spelling
        text = base + width
    elif base == "decimal":
        p = args[0] if args else "10"
        s = args[1] if len(args) > 1 else "0"
        text = f"decimal({p},{s})"
    elif base in FLOAT_TYPES:
        text = base + (f"({args[0]},{args[1]})" if len(args) == 2 else "")
    elif base in ("char", "binary", "bit"):
        text = f"{base}({args[0] if args else '1'})"
    elif base in ("varchar", "varbinary", "vector"):
        text = f"{base}({args[0]})" if args else base
    elif base in ("time", "datetime", "timestamp"):
        text = base + (f"({args[0]})" if args and args[0] != "0" else "")
    elif base == "year":
        text = "year"  # YEAR(2) is gone since MySQL 5.7.5; YEAR(4) is YEAR
    elif base in ("text", "blob"):
        text = text_length_type(base, int(args[0]) if args else None)
    elif base in ("enum", "set"):
        text = f"{base}({','.join(args)})"
    else:
        text = base + (f"({','.join(args)})" if args else "")
    if unsigned and (base in INTEGER_TYPES or base in FLOAT_TYPES or base == "decimal"):
        text += " unsigned"
    if spec.zerofill:
        text += " zerofill"
    base_text = text.split("(", 1)[0].split(" ", 1)[0]
    if base_text not in STRING_TYPES:
        return text, None
    charset = spec.charset
    if spec.national:
        charset = "utf8mb3"
    if charset is not None and canonical_charset(charset) == "binary" and base_text in _BINARY_OF:
        # CHAR(n) CHARACTER SET binary is BINARY(n), TEXT ... is BLOB, and so on.
        return _BINARY_OF[base_text] + text[len(base_text) :], None
    if spec.collation is not None:
        collation = canonical_collation(spec.collation)
    elif charset is not None:
        # CHARACTER SET alone means that set's default collation, even when the table's set is the same
        # but its collation is not (SHOW CREATE TABLE then prints both).
        collation = server.default_collation(charset)
    else:
        collation = table_collation
    if spec.binary:
        # `varchar(10) BINARY` is the _bin collation of the column's character set.
        collation = f"{charset_of(collation)}_bin" if collation != "binary" else collation
    return text, collation
