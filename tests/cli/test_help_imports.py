"""`prosper --help` builds every command without loading what only running a command needs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from prosper import cli

NOT_FOR_HELP = ("sqlalchemy", "yaml", "pydantic_settings", "prosper.keys", "prosper.service")


def test_help_imports_no_database_layer_or_yaml(tmp_path: Path) -> None:
    code = f"""
import json, sys
sys.argv = ["prosper", "--help"]
from prosper.cli import main
try:
    main()
except SystemExit as exc:
    assert not exc.code, exc.code
print(json.dumps([m for m in {NOT_FOR_HELP!r} if m in sys.modules]), file=sys.stderr)
"""
    src = str(Path(cli.__file__).resolve().parents[2])
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={"PROSPER_DATA_DIR": str(tmp_path), "PYTHONPATH": src},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for command in ("screen", "check", "keys", "audit", "parties", "alerts", "webhooks"):
        assert command in done.stdout
    assert json.loads(done.stderr.splitlines()[-1]) == []
