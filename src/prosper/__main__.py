"""``python -m prosper`` runs the command line."""

from prosper.cli import main

main()
