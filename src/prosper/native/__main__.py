"""``python -m prosper.native build|status|clean``."""

from prosper.native import main

raise SystemExit(main())
