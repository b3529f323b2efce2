"""``python -m nextresp``: the same command line as ``nextresp``."""

from ._cli import main

raise SystemExit(main())
