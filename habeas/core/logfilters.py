"""Keep secret links out of the logs.

A person at risk checks in at a link whose path is the secret (/k/<token>/, docs/
protection.md). Django logs the path of every request that ends in an error, and
an error log is exactly what a seized server hands over; so every record that
reaches a handler has such paths cut to their prefix first.
"""

from __future__ import annotations

import logging
import re

from django.conf import settings


def _pattern() -> re.Pattern[str]:
    prefixes = "|".join(re.escape(p) for p in settings.HABEAS_SECRET_PATH_PREFIXES)
    return re.compile(rf"({prefixes})[^/\s\"'?#]+")


def redact(text: str) -> str:
    if not settings.HABEAS_SECRET_PATH_PREFIXES:
        return text
    return _pattern().sub(r"\1…", text)


class RedactSecretPaths(logging.Filter):
    """Rewrite the message (with its arguments merged in) and drop the request,
    which formatters and error mails could otherwise print whole."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if hasattr(record, "request"):
            path = getattr(record.request, "path", "")
            if redact(path) != path:
                record.request = None
        return True
