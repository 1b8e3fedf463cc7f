"""Password rules beyond Django's own (which give the minimum length, the
common-password list and the similarity check)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import ngettext


class MaximumLengthValidator:
    """Refuse passwords longer than `max_length` characters (OWASP ASVS 4.0.3 V2.1.2
    allows at least 64 and refuses more than 128)."""

    def __init__(self, max_length: int = 128) -> None:
        self.max_length = max_length

    def validate(self, password: str, user=None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                ngettext(
                    "This password is too long. It must contain at most %(max_length)d character.",
                    "This password is too long. It must contain at most %(max_length)d characters.",
                    self.max_length,
                ),
                code="password_too_long",
                params={"max_length": self.max_length},
            )

    def get_help_text(self) -> str:
        return ngettext(
            "Your password can be up to %(max_length)d character long: a passphrase is fine.",
            "Your password can be up to %(max_length)d characters long: a passphrase is fine.",
            self.max_length,
        ) % {"max_length": self.max_length}
