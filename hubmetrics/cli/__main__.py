"""`python -m hubmetrics.cli`: the same as the `hubmetrics` command."""

from __future__ import annotations

import sys

from hubmetrics.cli.main import main

sys.exit(main())
