"""E-mail over SMTP, through Django's mail settings (HABEAS_EMAIL_* variables).

The message carries the case reference, what is due and a link: nothing else
from the case, since mail crosses servers the organisation does not control.
The Message-ID is derived from the delivery id, so a receiver (or a person)
can tell a retry from a new notification.
"""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from ..labels import alert_title
from . import ChannelError, recipient_language

if TYPE_CHECKING:
    from ..models import Delivery


def message_id(delivery: Delivery) -> str:
    return f"<{delivery.public_id}@habeas.invalid>"


def send(*, deliveries: Sequence[Delivery], address: str) -> None:
    """One message for one delivery, or a digest for several, to `address`, in its
    recipient's language."""
    with translation.override(recipient_language(deliveries[0])):
        subject, body = _message(deliveries)
    message = EmailMessage(
        subject=subject,
        body=body,
        to=[address],
        headers={
            "Message-ID": message_id(deliveries[0]),
            "X-Habeas-Delivery": ",".join(str(d.public_id) for d in deliveries),
        },
    )
    deliver(message)


def send_sealed(*, delivery: Delivery, address: str, subject: str, body: str) -> None:
    """A message another app rendered (a protection notification), as it is."""
    message = EmailMessage(
        subject=subject,
        body=body,
        to=[address],
        headers={"Message-ID": message_id(delivery), "X-Habeas-Delivery": str(delivery.public_id)},
    )
    deliver(message)


def _message(deliveries: Sequence[Delivery]) -> tuple[str, str]:
    # An alert's deliveries only: a sealed message goes through `send_sealed`.
    alerts = [d.alert for d in deliveries if d.alert is not None]
    site = settings.HABEAS_SITE_URL.rstrip("/")
    today = timezone.localdate()
    titles = [alert_title(a, today) for a in alerts]
    if len(alerts) == 1:
        subject = f"[Habeas] {titles[0]}"
    else:
        count = ngettext(
            "%(n)d alert (daily digest)", "%(n)d alerts (daily digest)", len(alerts)
        ) % {"n": len(alerts)}
        subject = f"[Habeas] {count}"
    lines = [
        f"- {title}\n  {site}{a.get_absolute_url()}"
        for title, a in zip(titles, alerts, strict=True)
    ]
    body = (
        gettext("Habeas needs your attention:")
        + "\n\n"
        + "\n".join(lines)
        + "\n\n"
        + gettext("Details are in Habeas only. You can change how you are notified under Alerts.")
    )
    return subject, body


def deliver(message: EmailMessage) -> None:
    """Hand one message to the mail server; a ChannelError says why it did not go."""
    try:
        connection = get_connection(fail_silently=False, timeout=settings.EMAIL_TIMEOUT)
        sent = connection.send_messages([message])
    except smtplib.SMTPRecipientsRefused:
        raise ChannelError("the mail server refused the address", endpoint_fault=False) from None
    except smtplib.SMTPResponseException as exc:
        raise ChannelError(f"the mail server answered {exc.smtp_code}") from None
    except (TimeoutError, smtplib.SMTPException, OSError) as exc:
        raise ChannelError(f"mail server unreachable ({type(exc).__name__})") from None
    if not sent:
        raise ChannelError("the mail was not accepted")
