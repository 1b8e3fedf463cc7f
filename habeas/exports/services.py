"""What an export leaves behind: the audit entries. An export writes nothing else,
but it is a copy of the record leaving Habeas, and who sources are leaves with it
for a holder of the source grant: each is recorded as the pages record a view."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.db import transaction

from habeas.accounts.models import User
from habeas.audit.services import audit_record
from habeas.cases.models import Case
from habeas.cases.selectors import CaseFilters
from habeas.cases.services import relative_contacts_viewed
from habeas.sources.services import source_identity_viewed

from .selectors import CaseExport


@transaction.atomic
def case_exported(*, case: Case, export: CaseExport, by: User, via: str) -> None:
    """Record that `by` exported `case` (`via`: "download" or "command"), and, one
    entry each, every source whose identity and every person whose relatives'
    contacts the export holds: all of them or none, as the file holds all or none."""
    audit_record(
        action="case.exported",
        actor=by,
        target=case,
        case=case,
        detail={"via": via, "source_grant": bool(export.data["source_grant"])},
    )
    for source in export.sources_revealed:
        source.case = case
        source_identity_viewed(source=source, by=by, via=f"export ({via})")
    for person in export.people_reached:
        relative_contacts_viewed(person=person, by=by, via=f"export ({via})")


@transaction.atomic
def case_list_exported(*, filters: CaseFilters, by: User, via: str) -> None:
    """Record that `by` exported their case list under `filters` (codes and numbers
    only: no name or place is ever in a filter)."""
    detail: dict[str, Any] = {"via": via}
    detail.update({k: v for k, v in asdict(filters).items() if v not in ("", None, False)})
    audit_record(action="case_list.exported", actor=by, detail=detail)
