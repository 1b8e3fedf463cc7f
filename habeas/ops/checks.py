"""The check of what killed backups and restores left in the data directory."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Info, register

from habeas.core.restoring import unfinished_restore
from habeas.ops.backup.staging import remove_stale_staging


@register()
def check_data_directory(app_configs: Any = None, **kwargs: Any) -> list:
    """Leftovers of a backup or restore whose process was killed.

    Every command that starts Habeas runs the checks (serve, migrate, check), so
    this is where the plain database copies a killed backup or restore left in
    its staging directory are removed; and where an interrupted restore stops
    Habeas from serving data that may be incomplete.
    """
    messages: list = []
    removed = remove_stale_staging()
    if removed:
        messages.append(
            Info(
                f"Removed what interrupted backups or restores left in {settings.DATA_DIR}: "
                f"{', '.join(removed)}.",
                id="habeas.I110",
            )
        )
    unfinished = unfinished_restore()
    if unfinished is not None:
        messages.append(
            Error(
                unfinished.describe(),
                hint=unfinished.what_to_do(),
                id="habeas.E111",
            )
        )
    return messages
