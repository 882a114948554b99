"""`python -m ddlcompare`."""

from ddlcompare.cli import main

main()
