"""Statement handlers, registered on import (see parse.handles)."""

from ddlcompare.dialects.postgres.handlers import meta, routines, tables, types

__all__ = ["meta", "routines", "tables", "types"]
