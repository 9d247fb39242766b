"""``python -m mesbook``: see :mod:`mesbook.cli`. Ctrl-C, even while the libraries load, is one line and exit 130."""
import sys

try:
    from .cli import main
except KeyboardInterrupt:
    from .commandline import interrupted

    sys.exit(interrupted())
sys.exit(main())
