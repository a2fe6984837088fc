"""On a fresh clone every command that reads the database brings the schema to head first."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_users_commands_work_before_any_db_upgrade(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    env["PORTAL_INSTANCE_PATH"] = str(tmp_path / "instance")
    result = subprocess.run(
        [sys.executable, "-m", "portal.cli", "users", "list"],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert (tmp_path / "instance" / "portal.sqlite3").exists()
