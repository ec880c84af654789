"""``python -m bench``: the issue-14 table (see bench/README.md)."""

from bench.suite import main

main()
