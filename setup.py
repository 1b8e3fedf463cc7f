"""The one build step pyproject.toml cannot declare: the translations compiled.

A built package (pip install ., a wheel) carries habeas/locale/*/LC_MESSAGES/django.mo
compiled from the django.po beside it by GNU gettext's msgfmt, so an installed Habeas
speaks every language it has a catalogue for; the .mo files are never committed.
Everything else is in pyproject.toml.
"""

import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithTranslations(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return  # an editable install reads the source tree: `make messages` compiles
        for po in Path(self.build_lib, "habeas", "locale").glob("*/LC_MESSAGES/*.po"):
            try:
                subprocess.run(
                    ["msgfmt", "--check", "--output-file", str(po.with_suffix(".mo")), str(po)],
                    check=True,
                )
            except FileNotFoundError:
                raise SystemExit(
                    "Habeas: msgfmt is missing; install GNU gettext (apt-get install gettext)"
                ) from None


setup(cmdclass={"build_py": BuildWithTranslations})
