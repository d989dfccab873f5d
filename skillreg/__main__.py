"""`python -m skillreg` runs the `skill` command."""

from skillreg.cli import main

main()
