"""Only a build step pyproject.toml cannot say: the wheel carries templates/, static/ and
translations/ (kept at the top of the repository, where the project's layout has them) inside
the package, as portal/templates, portal/static and portal/translations."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ASSETS = ("templates", "static", "translations")


class BuildWithAssets(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install serves them from the checkout
        here = Path(__file__).resolve().parent
        for name in ASSETS:
            shutil.copytree(
                here / name,
                Path(self.build_lib) / "portal" / name,
                dirs_exist_ok=True,
                ignore=shutil.ignore_patterns("*.tmp", "__pycache__", "*.json"),
            )


setup(cmdclass={"build_py": BuildWithAssets})
