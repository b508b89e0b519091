"""``python -m loket.cli``, the same as the ``loket`` command."""

from loket.cli import main

main()
