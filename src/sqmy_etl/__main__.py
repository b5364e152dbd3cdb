"""`python -m sqmy_etl` is the `sqmy` command."""

from sqmy_etl.cli import main

main()
