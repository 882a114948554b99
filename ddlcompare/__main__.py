"""`python -m ddlcompare`."""

from ddlcompare.cli import entry

entry()
