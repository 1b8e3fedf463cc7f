"""Debian's Chromium for the browser tests (the `page` fixture is in conftest)."""

from __future__ import annotations

import os
import re
from pathlib import Path

CHROMIUM = Path(os.environ.get("HABEAS_CHROMIUM", "/usr/bin/chromium"))
# Chromium's own background traffic has nowhere to go on a closed network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def labelled(page, label: str):
    """The form control labelled exactly `label` (Django adds a colon)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))
