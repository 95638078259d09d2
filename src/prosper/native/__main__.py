"""``python -m prosper.native build|status|clean``."""

from prosper.native.build import main

raise SystemExit(main())
