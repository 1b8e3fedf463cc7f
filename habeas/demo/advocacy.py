"""Fictional advocacy demo data: a directory of addressees, interventions with
responses, and cases cleared for publication. Called once from
habeas.demo.cases.load() after the cases exist."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import cast

from django.utils import timezone
from PIL import Image, ImageDraw, PngImagePlugin

from habeas.accounts.models import User
from habeas.advocacy import services
from habeas.advocacy.models import (
    Addressee,
    FamilyConsent,
    Intervention,
    PublicProfile,
    Response,
)
from habeas.cases.models import Case, Event
from habeas.lib.partialdate import PartialDate
from habeas.organisation.services import organisation_update
from habeas.sources import services as sources
from habeas.sources.models import Claim, Source

DEMANDS = "\n".join(
    [
        "Disclose his fate and whereabouts",
        "Protect him from torture and ill-treatment",
        "Allow his family, a lawyer and a doctor to see him",
        "Release him",
    ]
)


def _addressees(by: User) -> dict[str, Addressee]:
    rows = {
        "wgeid": {
            "kind": Addressee.Kind.UN_BODY,
            "name": "Working Group on Enforced or Involuntary Disappearances",
            "organisation": "OHCHR",
            "address": "Palais des Nations, CH-1211 Geneva 10, Switzerland",
            "salutation": "Dear Members of the Working Group,",
        },
        "prosecutor": {
            "kind": Addressee.Kind.GOVERNMENT,
            "name": "Prosecutor General (demo)",
            "title": "Prosecutor General",
            "organisation": "Office of the Prosecutor General",
            "address": "Ashgabat, Turkmenistan (demo address)",
            "email": "prosecutor@example.org",
            "salutation": "Dear Prosecutor General,",
            "country": "TM",
        },
        "embassy": {
            "kind": Addressee.Kind.EMBASSY,
            "name": "Human Rights Officer (demo)",
            "title": "First Secretary",
            "organisation": "Embassy of a third State in Ashgabat (demo)",
            "email": "embassy@example.org",
            "salutation": "Dear First Secretary,",
            "country": "TM",
        },
        # An intergovernmental body: asked, like a third State, to urge the Government.
        "eu": {
            "kind": Addressee.Kind.INTERGOVERNMENTAL,
            "title": "EU Special Representative for Human Rights",
            "organisation": "European External Action Service (demo)",
            "address": "Brussels (demo address)",
            "email": "eusr@example.org",
        },
        "press": {
            "kind": Addressee.Kind.PRESS,
            "name": "News desk (demo)",
            "organisation": "Independent newsroom (demo)",
            "email": "desk@example.org",
            "salutation": "Dear colleagues,",
        },
    }
    return {key: services.addressee_create(by=by, **fields) for key, fields in rows.items()}


def family_consent(
    case: Case,
    by: User,
    *,
    given_by: str,
    given_on: date,
    to_un: bool = False,
    to_authorities: bool = False,
    to_publication: bool = False,
) -> None:
    """The family's consent as a caseworker records it (Advocacy, Family consent):
    documents and publication read it, never a source's tick."""
    services.family_consent_record(
        case=case,
        by=by,
        given_by=given_by,
        given_on=given_on,
        form=FamilyConsent.Form.MESSAGE,
        to_un=to_un,
        to_authorities=to_authorities,
        to_publication=to_publication,
    )


def _interventions(by: User, addressees: dict[str, Addressee], today: date) -> None:
    """Through the same services as the advocacy pages, so each intervention shows the
    state a real one would: a UN submission stays a draft while its document lacks what
    the Working Group requires (for TM-2002-004 a month of disappearance)."""
    first = Case.objects.filter(reference="TM-DEMO-001").first()
    if first is not None:
        services.intervention_add(
            case=first, kind=Intervention.Kind.WGEID_URGENT, addressee=addressees["wgeid"], by=by
        )
        # The family agreed to letters; the UN submission waits for its say-so.
        family_consent(
            first,
            by,
            given_by="his cousin (demo)",
            given_on=today - timedelta(days=35),
            to_authorities=True,
        )
        # Raised with the EU, which urges the Government (a draft, ready to be checked).
        services.intervention_add(
            case=first, kind=Intervention.Kind.EMBASSY, addressee=addressees["eu"], by=by
        )
        letter = services.intervention_add(
            case=first,
            kind=Intervention.Kind.LETTER_AUTHORITIES,
            addressee=addressees["prosecutor"],
            language="ru",
            by=by,
        )
        services.intervention_mark_sent(
            intervention=letter,
            sent_on=today - timedelta(days=30),
            channel=Intervention.Channel.EMAIL,
            by=by,
        )
    old = Case.objects.filter(reference="TM-2002-004").first()
    if old is not None:
        family_consent(
            old,
            by,
            given_by="his wife (demo)",
            given_on=date(2022, 1, 20),
            to_un=True,
            to_authorities=True,
            to_publication=True,
        )
        # Submitted on paper in 2022, before the organisation used Habeas: recorded as
        # sent outside it (no snapshot, no check of a document Habeas would generate).
        # The government's reply, forwarded by the Working Group, runs the six-month
        # clock to contest it.
        submission = services.intervention_record_sent_elsewhere(
            intervention=services.intervention_add(
                case=old,
                kind=Intervention.Kind.WGEID_STANDARD,
                addressee=addressees["wgeid"],
                by=by,
            ),
            sent_on=date(2022, 2, 14),
            channel=Intervention.Channel.POST,
            reference="G/SO 217/1 TKM 14/2022 (demo)",
            note="Sent by post by the former coordinator; a copy is in the paper archive.",
            by=by,
        )
        replied_on = today - timedelta(days=45)
        reply = "The Government states that he is serving a lawful sentence (demo)."
        services.response_record(
            intervention=submission,
            received_on=replied_on,
            type=Response.Type.ALTERNATIVE,
            content=reply,
            by=by,
        )
        # A reply that says something about the person is news (docs/domain.md): the
        # caseworker records it as the authority's claim too, dated the reply's date.
        government = sources.source_add(
            case=old,
            code_name="TM-GOV",
            kind=Source.Kind.OFFICIAL,
            reliability="F",
            identity="Government of Turkmenistan (reply forwarded by the Working Group)",
            consent_information_public=True,
            consent_named_publicly=True,
            public_name="the Government of Turkmenistan",
            consent_to_un=True,
            consent_to_government=True,
            by=by,
        )
        day = PartialDate.parse(replied_on.isoformat())
        sources.claim_add(
            case=old,
            source=government,
            topic=Claim.Topic.WHEREABOUTS,
            statement=reply,
            dated_on=day,
            received_on=day,
            material=Claim.Material.OFFICIAL_REPLY,
            credibility=4,
            attribution=Claim.Attribution.ALTERNATIVE,
            by=by,
        )
        embassy = services.intervention_mark_sent(
            intervention=services.intervention_add(
                case=old, kind=Intervention.Kind.EMBASSY, addressee=addressees["embassy"], by=by
            ),
            sent_on=today - timedelta(days=90),
            channel=Intervention.Channel.EMAIL,
            by=by,
        )
        services.response_record(
            intervention=embassy,
            received_on=today - timedelta(days=80),
            type=Response.Type.TOKEN,
            content="Thank you; we will raise concerns as appropriate (demo).",
            by=by,
        )


PUBLISHED = [
    # reference, public name, variants, public status, summary
    (
        "TM-DEMO-001",
        "Rustam Isakov",
        "Рустам Исаков\nRüstem Isakow",
        PublicProfile.PublicStatus.CONTINUING,
        "Exiled blogger who disappeared in Istanbul after police came to his door. "
        "The authorities say he flew home; he had no passport.",
    ),
    (
        "TM-2002-004",
        "Annamyrat Gurbanow",
        "Аннамурад Гурбанов",
        PublicProfile.PublicStatus.CONTINUING,
        "Former official sentenced in a closed trial in 2002; no visit allowed since.",
    ),
    (
        "MX-2014-043",
        "José Ramírez",
        "",
        PublicProfile.PublicStatus.UNCONFIRMED,
        "Student taken by local police in Iguala.",
    ),
]


def _portrait(seed: int) -> bytes:
    """A drawn stand-in for a family photo (the demo has no real people), in a PNG
    that carries a text chunk, so that publishing shows the metadata going away."""
    shade = 90 + (seed * 37) % 80
    image = Image.new("RGB", (480, 600), (shade, shade + 20, shade + 40))
    draw = ImageDraw.Draw(image)
    draw.ellipse((150, 90, 330, 290), fill=(235, 225, 210))  # head
    draw.rounded_rectangle((70, 320, 410, 640), radius=120, fill=(60, 70, 90))  # shoulders
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Demo family album")
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info)
    return out.getvalue()


def _publication(by: User) -> None:
    for number, (reference, name, variants, status, summary) in enumerate(PUBLISHED):
        case = Case.objects.filter(reference=reference).first()
        if case is None:
            continue
        family_consent(
            case,
            by,
            given_by="the family (demo)",
            given_on=timezone.localdate() - timedelta(days=60),
            to_publication=True,
        )
        profile = services.public_profile_save(
            case=case,
            by=by,
            is_published=True,
            name=name,
            name_variants=variants,
            country=case.country,
            # As precise as the record: the public counter says from which day it counts.
            disappeared_on=case.disappeared_on,
            status=status,
            summary=summary,
            demands=DEMANDS,
            # Half of the demo profiles have a photo the family cleared.
            photo=_portrait(number) if number % 2 == 0 else None,
        )
        if case.disappeared_on:
            services.public_update_add(
                profile=profile,
                happened_on=case.disappeared_on,
                title="Disappeared",
                by=by,
            )
        # The timeline says only what the record holds: a UN submission once it is sent.
        for intervention in case.interventions.filter(sent_on__isnull=False).order_by("sent_on"):
            sent_on = cast(date, intervention.sent_on)
            if intervention.is_wgeid:
                services.public_update_add(
                    profile=profile,
                    happened_on=sent_on,
                    title="Case submitted to the United Nations",
                    text="The organisation has asked the UN Working Group to intervene.",
                    by=by,
                )
            elif intervention.kind == Intervention.Kind.LETTER_AUTHORITIES:
                services.public_update_add(
                    profile=profile,
                    happened_on=sent_on,
                    title="Letter sent to the authorities",
                    by=by,
                )


def _clearances(by: User) -> None:
    """Events with no claim behind them stay inside until cleared: the demo clears
    the public threat on a video channel, and keeps the visit to the parents (who
    risk reprisals) inside, to show both."""
    first = Case.objects.filter(reference="TM-DEMO-001").first()
    if first is not None:
        services.event_clearances_set(
            case=first,
            clearances=dict.fromkeys(
                first.events.filter(kind=Event.Kind.THREAT), Event.Clearance.PUBLIC
            ),
            by=by,
        )
    exile = Case.objects.filter(reference="TM-2021-014").first()
    if exile is not None:
        # The report that he is held rests also on informal channels who gave no
        # consent; the NGO published it. The caseworker clears the event (not their
        # claim) for the Working Group, so it hears both accounts, not only "he flew home".
        services.event_clearances_set(
            case=exile,
            clearances=dict.fromkeys(
                exile.events.filter(kind=Event.Kind.ARREST), Event.Clearance.UN
            ),
            by=by,
        )


def _organisation() -> None:
    """Who submits to the UN and signs letters, set as an operator's command sets it
    (by=None: the demo user is not an administrator), so the demo's UN submission can
    be completed from the web. Plainly fictional."""
    organisation_update(
        by=None,
        name="Demo Rights Centre (fictional)",
        address="1 Example Street\nDemo City 0000\nNowhere (demo address)",
        email="office@example.org",
        phone="+000 0000 0000",
        signatory_name="A. N. Example",
        signatory_title="Director (demo)",
    )


def load(*, user: User, today: date) -> None:
    _organisation()
    _clearances(user)
    addressees = _addressees(user)
    _interventions(user, addressees, today)
    _publication(user)
