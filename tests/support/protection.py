"""A person at risk enrolled through the services, with a full emergency file and
a plan, for the protection tests, the matrix and the canaries."""

from __future__ import annotations

import datetime as dt

from habeas.protection import services
from habeas.protection.emergency import Address, Document, EmergencyFile, Name, Relative
from habeas.protection.models import AtRisk, AtRiskMember


def full_file(mark: str = "") -> EmergencyFile:
    """An emergency file with every field filled; `mark` is added to every text."""
    m = f" {mark}" if mark else ""
    return EmergencyFile(
        names=[
            Name(text=f"Rustam Isakov{m}", script="Latn", language="en"),
            Name(text=f"Рустам Исаков{m}", script="Cyrl", language="ru"),
        ],
        birth_date="1987-03",
        birth_place=f"Ashgabat{m}",
        sex="m",
        nationality="TM",
        country="TM",
        lives_in="TR",
        lives_place=f"Istanbul, Fatih{m}",
        occupation=f"journalist{m}",
        affiliation=f"independent press{m}",
        documents=[Document(kind=f"passport{m}", number=f"A1234567{m}", issued_by="TM")],
        addresses=[Address(label=f"home{m}", text=f"Kennedy Cd. 12{m}")],
        relatives=[
            Relative(
                name=f"Gulnara Isakova{m}", relationship="mother", contact=f"+993 65 000000{m}"
            )
        ],
        lawyer_name=f"Lawyer Aman{m}",
        lawyer_contact=f"aman@example.org{m}",
        fears=f"abduction and forced return{m}",
        feared_actors=f"Ministry of National Security agents{m}",
        likely_taken_to=f"MNS detention centre, Ashgabat{m}",
        risk_torture=True,
        risk_health=True,
        health_notes=f"insulin-dependent{m}",
        consent_un=True,
        consent_authorities=True,
        consent_publication=False,
        consent_named=False,
        consent_form="written",
    )


def enrolled(
    lead, *, members=(), read_only=(), code_name: str = "KESTREL", mark: str = "", plan: bool = True
) -> AtRisk:
    at_risk = services.enrol(
        code_name=code_name,
        consent_on=dt.date(2026, 11, 20),
        consent_how="in person, with the written explanation",
        file=full_file(mark),
        by=lead,
    )
    for user in members:
        services.member_set(at_risk=at_risk, user=user, role=AtRiskMember.Role.MEMBER, by=lead)
    for user in read_only:
        services.member_set(at_risk=at_risk, user=user, role=AtRiskMember.Role.READ_ONLY, by=lead)
    if plan:
        services.plan_set(
            at_risk=at_risk,
            by=lead,
            kind="interval",
            every_hours=24,
            time_zone="Europe/Istanbul",
            grace_minutes=60,
            pin="246802",
            duress_pin="135702",
        )
    return at_risk


def protection_ids(lead, *, members=(), read_only=(), mark: str = "") -> dict:
    """The id of a person at risk on `lead`'s team, with a photo and an alarm open
    (as the ladder opens one), for pages that need them."""
    from django.utils import timezone

    from habeas.evidence import samples
    from habeas.protection.models import Escalation

    at_risk = enrolled(lead, members=members, read_only=read_only, code_name="MATRIX", mark=mark)
    services.photo_set(at_risk=at_risk, data=samples.screenshot_jpeg(), by=lead)
    services.contacts_set(
        at_risk=at_risk,
        contacts=[
            services.ContactData(
                name=f"Safety contact {mark}", channel="email", target="safe@example.org"
            )
        ],
        by=lead,
    )
    Escalation.objects.create(
        at_risk=at_risk, cause=Escalation.Cause.MISSED, missed_deadline=timezone.now()
    )
    return {"at_risk_id": at_risk.public_id}
