"""`python -m hubmetrics.demo`: regenerate the synthetic demo files (and, if asked, the templates)."""

from __future__ import annotations

from hubmetrics.demo.cli import main

raise SystemExit(main())
