"""What the ladder's notifications say, to whom, in whose language (docs/protection.md,
"What each message says").

A rule module: it renders and never writes. Each message says as little as its
reader needs, because mail and webhooks cross servers the organisation does not
control and a phone may be in someone else's hands:

- the team: the code name, what happened, when, and a link to the person's page —
  the page, behind a login, says the rest;
- a safety contact or partner organisation: that the person they agreed to watch
  over missed a check-in (or signalled duress), and what the person consented to
  share — their name only if they agreed to be named;
- the person themself (the optional reminder): a neutral line, with no mention of
  safety or of the organisation unless the plan shows its name.

Times are written in UTC with the zone named, since the team, the contacts and the
person may be in three time zones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .emergency import EmergencyFile

if TYPE_CHECKING:
    from .models import AtRisk, Escalation, SafetyContact


def when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def organisation() -> str:
    return settings.HABEAS_ORGANISATION or "Habeas"


def page_url(at_risk: AtRisk) -> str:
    site = settings.HABEAS_SITE_URL.rstrip("/")
    return site + reverse("protection:at_risk_detail", args=[at_risk.public_id])


@dataclass
class Consents:
    """What the person agreed may be shared, read from the sealed emergency file."""

    name: str = ""
    un: bool = False
    authorities: bool = False
    publication: bool = False
    named: bool = False

    @classmethod
    def of(cls, at_risk: AtRisk) -> Consents:
        file = EmergencyFile.from_json(at_risk.emergency_file)
        return cls(
            # The name goes out only with the person's consent to be named.
            name=file.primary_name.strip() if file.consent_named else "",
            un=file.consent_un,
            authorities=file.consent_authorities,
            publication=file.consent_publication,
            named=file.consent_named,
        )


def _yes(value: bool) -> str:
    return _("yes") if value else _("no")


def team_missed(at_risk: AtRisk, escalation: Escalation, last_check_in: datetime | None) -> dict:
    code = at_risk.code_name
    subject = _("[Habeas] Missed check-in: %(code)s") % {"code": code}
    body = "\n\n".join(
        [
            _(
                "%(code)s has not checked in. The check-in was due by %(deadline)s "
                "(grace period included)."
            )
            % {"code": code, "deadline": when(escalation.missed_deadline)}
            + " "
            + (
                _("The last one came at %(last)s.") % {"last": when(last_check_in)}
                if last_check_in is not None
                else _("They have not checked in since the plan was set.")
            ),
            _(
                "Try to reach them now. Then, on their page, say you are verifying, and "
                "close the alarm as a false alarm or open the case:"
            )
            + "\n"
            + page_url(at_risk),
            _("The safety contacts are alerted next unless the alarm is closed."),
            _("Details are in Habeas only."),
        ]
    )
    return {"subject": subject, "body": body}


def team_duress(at_risk: AtRisk, escalation: Escalation) -> dict:
    code = at_risk.code_name
    subject = _("[Habeas] URGENT: duress signal from %(code)s") % {"code": code}
    body = "\n\n".join(
        [
            _(
                "%(code)s checked in with the duress PIN at %(at)s: they may be under "
                "coercion. To whoever is with them it looked like a normal check-in."
            )
            % {"code": code, "at": when(escalation.missed_deadline)},
            _(
                "Their safety contacts have been alerted too. Do not write to them on the "
                "check-in channel; follow their protection plan. Their page:"
            )
            + "\n"
            + page_url(at_risk),
            _("Details are in Habeas only."),
        ]
    )
    return {"subject": subject, "body": body}


TEAM_REASONS = {
    # ladder.alert_team(at_risk, reason): the reasons protcheckin raises.
    "pin_lockout": lambda code, at: (
        _("[Habeas] Someone may be guessing the PIN of %(code)s") % {"code": code},
        _(
            "The check-in link of %(code)s was locked at %(at)s after several wrong PINs. "
            "Their phone may be in someone else's hands: try to reach them on another "
            "channel."
        )
        % {"code": code, "at": at},
    ),
    "pin_right_refused": lambda code, at: (
        _("[Habeas] %(code)s may be trying to check in") % {"code": code},
        _(
            "The right PIN of %(code)s was typed at %(at)s but refused, because their "
            "check-in link was locked after wrong PINs or their address had too many. "
            "They may be trying to check in: try to reach them on another channel."
        )
        % {"code": code, "at": at},
    ),
    "pin_address_limit": lambda code, at: (
        _("[Habeas] Answers of %(code)s are being refused") % {"code": code},
        _(
            "At %(at)s the check-in of %(code)s started refusing every answer from one "
            "address, after too many wrong PINs from it. If they check in from there, "
            "they cannot: try to reach them on another channel."
        )
        % {"code": code, "at": at},
    ),
}


def team_other(at_risk: AtRisk, reason: str, at: datetime) -> dict:
    code = at_risk.code_name
    if reason in TEAM_REASONS:
        subject, lead = TEAM_REASONS[reason](code, when(at))
    else:
        subject = _("[Habeas] Check the protection of %(code)s") % {"code": code}
        lead = _("Something needs the team's attention about %(code)s (at %(at)s).") % {
            "code": code,
            "at": when(at),
        }
    body = "\n\n".join([lead, page_url(at_risk), _("Details are in Habeas only.")])
    return {"subject": subject, "body": body}


def team_webhook(mail: dict, at_risk: AtRisk, escalation: Escalation | None, kind: str) -> dict:
    """The organisation's own webhooks (its Signal or Matrix gateway) get the team's
    message: the code name and the link, nothing else."""
    payload = {
        "type": f"protection.{kind}",
        "code_name": at_risk.code_name,
        "title": mail["subject"],
        "text": mail["body"],
        "url": page_url(at_risk),
    }
    if escalation is not None:
        payload["escalation_id"] = str(escalation.public_id)
    return {"payload": payload}


def contact(contact: SafetyContact, at_risk: AtRisk, escalation: Escalation) -> dict:
    """A safety contact's or partner's message, in their language: e-mail text, and
    the same as a signed webhook's payload for a partner's system."""
    consents = Consents.of(at_risk)
    duress = escalation.cause == "duress"
    with translation.override(contact.language or settings.LANGUAGE_CODE):
        who = consents.name or _("The person you agreed to watch over (reference %(code)s)") % {
            "code": at_risk.code_name
        }
        if duress:
            subject = _("Safety alert from %(org)s: a danger signal") % {"org": organisation()}
            what = _(
                "%(who)s sent a signal at %(at)s that they may be in danger and under coercion."
            ) % {"who": who, "at": when(escalation.missed_deadline)}
        else:
            subject = _("Safety alert from %(org)s: a missed check-in") % {"org": organisation()}
            what = _(
                "%(who)s has missed an agreed check-in, due by %(deadline)s, and %(org)s "
                "has not yet been able to confirm that they are safe."
            ) % {"who": who, "deadline": when(escalation.missed_deadline), "org": organisation()}
        shared = "\n".join(
            [
                _("What they agreed may be shared:"),
                "- " + _("with UN bodies: %(answer)s") % {"answer": _yes(consents.un)},
                "- "
                + _("with the authorities and other States: %(answer)s")
                % {"answer": _yes(consents.authorities)},
                "- " + _("in public: %(answer)s") % {"answer": _yes(consents.publication)},
                "- " + _("their name in public: %(answer)s") % {"answer": _yes(consents.named)},
            ]
        )
        body = "\n\n".join(
            [
                _("Dear %(name)s,") % {"name": contact.name},
                what,
                _(
                    "Please do what you agreed with them, and speak with %(org)s before "
                    "anything is made public."
                )
                % {"org": organisation()},
                shared,
            ]
        )
        # An e-mail's subject shows on the contact's lock screen, to whoever holds
        # the phone: neither "safety" nor the system's name, and the organisation's
        # name only where the plan shows it (and one is configured).
        shown = plan_shows_organisation(at_risk) and bool(settings.HABEAS_ORGANISATION)
        mail_subject = (
            _("Urgent: a message from %(org)s") % {"org": settings.HABEAS_ORGANISATION}
            if shown
            else _("Urgent: please read")
        )
    if contact.channel == "webhook":
        payload: dict = {
            "type": "protection.duress" if duress else "protection.missed",
            "organisation": organisation(),
            "reference": at_risk.code_name,
            "at": escalation.missed_deadline.astimezone(UTC).isoformat(),
            "consents": {
                "un": consents.un,
                "authorities": consents.authorities,
                "publication": consents.publication,
                "named": consents.named,
            },
            "language": contact.language,
            "title": subject,
            "text": body,
        }
        if consents.name:
            payload["name"] = consents.name
        return {"payload": payload}
    return {"subject": mail_subject, "body": body}


def plan_shows_organisation(at_risk: AtRisk) -> bool:
    plan = getattr(at_risk, "plan", None)  # no plan: no RelatedObjectDoesNotExist
    return bool(plan is not None and plan.show_organisation)


def reminder(channel: str, show_organisation: bool) -> dict:
    """The person's reminder: neutral words, no organisation unless chosen."""
    with translation.override(settings.LANGUAGE_CODE):
        text = _("A reminder, as agreed: please confirm when you can.")
        subject = _("Reminder")
        if show_organisation:
            subject = _("Reminder from %(org)s") % {"org": organisation()}
    if channel == "webhook":
        return {"payload": {"type": "reminder", "text": text}}
    return {"subject": subject, "body": text}
