"""The wheel carries everything the portal needs to serve, and every import is declared."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SERVE = """
import os, sys
from portal import create_app
import portal
assert "site-packages" in portal.__file__, portal.__file__
from portal import migrate
app = create_app()
migrate.upgrade(app.extensions["portal.engine"])  # what `portal db upgrade` does
client = app.test_client()
for lang, word in (("fi", "Millainen apu sopisi sinulle?"), ("sv", "Vilken sorts hjälp skulle passa dig?"), ("en", "What kind of help would fit you?")):
    page = client.get("/?lang=" + lang)
    assert page.status_code == 200, (lang, page.status_code)
    assert word in page.get_data(as_text=True), lang
assert client.get("/static/portal.css").status_code == 200
print("served")
"""


def test_the_wheel_installed_in_a_fresh_venv_serves_the_landing_page_in_three_languages(
    tmp_path: Path,
) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("portal-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    # The wheel itself goes into the fresh venv; its dependencies are borrowed from this
    # environment (a .pth line, which loads none of this environment's own .pth files, so the
    # editable checkout stays out of sight) to keep the test fast and offline.
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", site, str(wheel)],
        check=True, capture_output=True, timeout=300,
    )
    Path(site, "borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    work = tmp_path / "work"
    work.mkdir()
    result = subprocess.run(
        [str(python), "-c", SERVE],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"PATH": "/usr/bin:/bin", "PORTAL_DATABASE_URL": f"sqlite:///{work / 'p.sqlite3'}"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "served"
    assert (work / "instance" / "secret_key").exists()  # not inside site-packages


def _imported_top_levels() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "portal").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
    return names


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_imported_package_is_declared() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {_normal(re.split(r"[<>=!~\[; ]", req, maxsplit=1)[0]) for req in project["dependencies"]}
    distributions = importlib.metadata.packages_distributions()
    missing = set()
    for name in _imported_top_levels() - set(sys.stdlib_module_names) - {"portal", "__future__"}:
        for dist in distributions.get(name, [name]):
            if _normal(dist) not in declared:
                missing.add(f"{name} ({dist})")
    assert not missing, "imported but not declared in pyproject.toml: " + ", ".join(sorted(missing))
