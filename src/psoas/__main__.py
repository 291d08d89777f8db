"""``python -m psoas``: the same as the ``psoas`` command."""

from psoas.cli import main

main()
