"""``python -m dashboard``: the command-line interface (see ``dashboard.cli``)."""

from dashboard.cli import main

raise SystemExit(main())
