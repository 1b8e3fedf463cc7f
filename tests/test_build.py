"""The build: `make run` installs what running needs, and a test run installs no
system package."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _make_dry_run(target: str, tmp_path: Path) -> str:
    """The commands `make <target>` would run in a checkout with no venv yet."""
    result = subprocess.run(
        ["make", "-n", target, f"VENV={tmp_path / 'venv'}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def test_make_run_installs_habeas_without_the_test_tools(tmp_path):
    commands = _make_dry_run("run", tmp_path)
    assert "pip install" in commands
    assert "[test]" not in commands


def test_make_test_and_lint_install_the_test_tools(tmp_path):
    for target in ("test", "lint"):
        assert "-e '.[test]'" in _make_dry_run(target, tmp_path)


def test_a_missing_chromium_is_named_with_its_install_command_and_not_installed(tmp_path):
    # An apt-get that leaves a trace if the check ever calls it.
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    trace = tmp_path / "apt-get-called"
    apt_get = fake_bin / "apt-get"
    apt_get.write_text(f"#!/bin/sh\ntouch {trace}\n")
    apt_get.chmod(0o755)
    env = {
        **os.environ,
        "PATH": f"{fake_bin}:{os.environ['PATH']}",
        "HABEAS_CHROMIUM": str(tmp_path / "no-chromium"),
    }

    result = subprocess.run(
        [ROOT / "scripts" / "test-services.sh", "chromium"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 1
    assert "apt-get install -y chromium" in result.stderr
    assert not trace.exists()


def test_make_lint_checks_the_formatting_and_translatable_strings(tmp_path):
    assert "ruff format --check ." in _make_dry_run("lint", tmp_path)
    # flake8-gettext: no f-string or .format() inside a gettext call.
    bad = 'from django.utils.translation import gettext as _\nn = 1\nX = _(f"{n} days")\n'
    result = subprocess.run(
        [Path(sys.executable).parent / "ruff", "check", "--stdin-filename", "habeas/x.py", "-"],
        cwd=ROOT,
        input=bad,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "INT001" in result.stdout
