"""Demo evidence for the first demo case: the ministry's reply letter (PDF), a
screenshot of the last message carrying GPS metadata, and a web capture. The files
are generated here, at demo-load time; nothing is fetched."""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta

from django.utils import timezone

from habeas.accounts.models import User
from habeas.cases.models import Case, Event
from habeas.evidence import samples
from habeas.evidence.models import EvidenceItem
from habeas.evidence.services import evidence_add
from habeas.sources.models import Claim


def _named(data: bytes, name: str) -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def load(*, user: User, reference: str) -> None:
    case = Case.objects.filter(reference=reference).first()
    if case is None or case.evidence.exists():
        return
    official = case.claims.filter(material=Claim.Material.OFFICIAL_REPLY).first()
    message = case.claims.filter(material=Claim.Material.MESSAGE).first()
    gone = case.last_contact_on.lo  # the demo's dates move with the day it is loaded
    threat = case.events.filter(kind=Event.Kind.THREAT).first()

    def at(day, hour: int = 9) -> datetime:
        return timezone.make_aware(datetime.combine(day, time(hour)))

    evidence_add(
        case=case,
        by=user,
        upload=_named(samples.official_letter_pdf(), "reply-moi.pdf"),
        title="Ministry's reply: “he flew home”",
        source=official.source if official else None,
        claims=[official] if official else [],
        dated_on=official.dated_on if official else None,  # the letter's own date
        collected_by="ROWAN",
        collection_method="Received by post, scanned",
        collected_at=at(official.received_on.lo if official else gone),
    )
    evidence_add(
        case=case,
        by=user,
        upload=_named(samples.screenshot_jpeg(), "last-message.jpg"),
        title="Screenshot of the last message",
        source=message.source if message else None,
        claims=[message] if message else [],
        dated_on=case.last_contact_on,  # when the message was sent
        collected_by="ROWAN",
        collection_method="Screenshot sent by the cousin",
        collected_at=at(gone + timedelta(days=1)),
    )
    evidence_add(
        case=case,
        by=user,
        kind=EvidenceItem.Kind.WEB_CAPTURE,
        upload=_named(samples.web_capture_warc(), "channel-post.warc"),
        title="Channel post boasting it knows his address",
        source_url="https://t.me/example/123",
        events=[threat] if threat else [],
        dated_on=threat.occurred_on if threat else None,  # when the post went up
        capture_tool="webrecorder (ArchiveWeb.page)",
        collected_by="ROWAN",
        collected_at=at(gone - timedelta(days=11)),
        collection_method="Captured in a browser, uploaded as WARC",
    )
