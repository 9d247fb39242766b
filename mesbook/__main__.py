"""``python -m mesbook``: see :mod:`mesbook.cli`."""
import sys

from .cli import main

sys.exit(main())
