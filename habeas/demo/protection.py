"""A fictional person at risk, enrolled through the protection services like a real
one: consent, an emergency file, a plan and safety contacts. The link and PINs the
plan issues are not kept (Habeas keeps none): a demo user re-issues them from the
plan page to try the check-in page."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from habeas.accounts.models import User
from habeas.protection import services
from habeas.protection.emergency import Address, Document, EmergencyFile, Name, Relative

CODE_NAME = "SWIFT"


def load(*, user: User) -> None:
    file = EmergencyFile(
        names=[
            Name(text="Dilnoza Karimova", script="Latn", language="en"),
            Name(text="Дилноза Каримова", script="Cyrl", language="ru"),
            Name(text="Dilnoza Karimowa", script="Latn", language="de"),
        ],
        birth_date="1991-05",
        birth_place="Dashoguz",
        sex="f",
        nationality="TM",
        country="TM",
        lives_in="TR",
        lives_place="Istanbul",
        occupation="blogger",
        affiliation="diaspora rights group",
        documents=[Document(kind="passport", number="A0000000 (fictional)", issued_by="TM")],
        addresses=[Address(label="home", text="Istanbul, fictional street 1")],
        relatives=[
            Relative(name="Maral Karimova", relationship="mother", contact="via the lawyer"),
            Relative(name="", relationship="brother", contact="+90 000 000 00 00 (fictional)"),
        ],
        lawyer_name="A. Yilmaz (fictional)",
        lawyer_contact="lawyer@example.org",
        fears="abduction and forced return to Turkmenistan",
        feared_actors="Ministry of National Security agents working with local police",
        likely_taken_to="the MNS detention centre in Ashgabat",
        risk_torture=True,
        risk_family_reprisals=True,
        consent_un=True,
        consent_authorities=True,
        consent_publication=True,
        consent_named=False,
        consent_form="written",
    )
    at_risk = services.enrol(
        code_name=CODE_NAME,
        consent_on=timezone.localdate() - timedelta(days=30),
        consent_how="in person, with the written explanation in Russian",
        file=file,
        by=user,
    )
    services.plan_set(
        at_risk=at_risk,
        by=user,
        kind="schedule",
        schedule="0 9,21 * * *",
        time_zone="Europe/Istanbul",
        grace_minutes=60,
        remind_after=30,
        reminder_channel="email",
        reminder_target="safe-address@example.org",
        team_after=60,
        contacts_after=240,
    )
    services.contacts_set(
        at_risk=at_risk,
        contacts=[
            services.ContactData(
                name="Partner organisation (fictional)",
                is_partner=True,
                channel="email",
                target="urgent@partner.example.org",
                language="en",
            ),
            services.ContactData(
                name="A friend in Berlin (fictional)",
                channel="email",
                target="friend@example.org",
                language="ru",
            ),
        ],
        by=user,
    )
