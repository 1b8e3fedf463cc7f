"""Every page of Habeas, and records whose ids fill its URLs: the authorization
matrix and the canaries visit them all."""

from __future__ import annotations

import io

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from habeas.advocacy import services as advocacy
from habeas.alerts.models import Alert
from habeas.evidence import samples
from habeas.evidence.services import evidence_add
from habeas.imports import selectors as imports_selectors
from habeas.imports import services as imports
from habeas.imports.reading import read_table
from tests.support.advocacy import consent_to_publication
from tests.support.alerts import raise_alert

# The JSON API's namespace: its routes authenticate by token, not by session, and
# have a matrix of their own (api_url_patterns).
API_NAMESPACE = "api-v1"


def _walk(patterns, *, api: bool, inside: bool = False, namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            within = inside or pattern.namespace == API_NAMESPACE
            # An app's own namespace ("protection:") is part of its pages' names.
            there = (
                f"{namespace}{pattern.namespace}:"
                if pattern.namespace and not within
                else namespace
            )
            yield from _walk(pattern.url_patterns, api=api, inside=within, namespace=there)
        elif inside is api:
            yield namespace, pattern


def url_patterns() -> list[URLPattern]:
    """Every URL pattern of the site's pages (the API's are in api_url_patterns)."""
    return [pattern for _, pattern in _walk(get_resolver().url_patterns, api=False)]


def api_url_patterns() -> list[URLPattern]:
    """Every URL pattern of the JSON API (reverse them as "api-v1:<name>")."""
    return [pattern for _, pattern in _walk(get_resolver().url_patterns, api=True)]


def _named() -> dict[str, URLPattern]:
    return {
        namespace + pattern.name: pattern
        for namespace, pattern in _walk(get_resolver().url_patterns, api=False)
    }


def url_names() -> set[str]:
    """The name of every URL of the site (with its namespace, if its app has one)."""
    return set(_named())


def url_for(name: str, ids: dict) -> str:
    """The URL named `name`, its parameters taken from `ids`."""
    pattern = _named()[name]
    kwargs = {k: ids[k] for k in pattern.pattern.converters}
    return reverse(name, kwargs=kwargs)


def an_alert(case) -> Alert:
    """An open alert on `case`."""
    return raise_alert(case, occurrence="matrix")


def advocacy_ids(case, by) -> dict:
    """The ids of an intervention on `case`, the family's consent, its public profile
    and an addressee."""
    intervention = advocacy.intervention_add(case=case, kind="letter_authorities", by=by)
    consent_to_publication(case, by=by)
    profile = advocacy.public_profile_save(
        case=case, name="R. Isakov", is_published=True, photo=samples.screenshot_jpeg(), by=by
    )
    addressee = advocacy.addressee_create(kind="government", title="Prosecutor General", by=by)
    return {
        "intervention_id": intervention.public_id,
        "consent_id": case.family_consents.order_by("-id").values_list("public_id", flat=True)[0],
        "profile_id": profile.public_id,
        "addressee_id": addressee.public_id,
    }


def evidence_ids(case, by) -> dict:
    """The id of an evidence item of `case`, and an element to grade it on."""
    upload = io.BytesIO(samples.screenshot_jpeg())
    upload.name = "last.jpg"
    item = evidence_add(case=case, upload=upload, title="Screenshot", by=by)
    return {"evidence_id": item.public_id, "element": "deprivation"}


def import_ids(by) -> dict:
    """An upload of `by` waiting for its mapping, an import of theirs done, and the
    kind of sample file."""
    data = b"Reference,Name,Country\nMATRIX-IMP-1,Someone Imported,TM\n"
    waiting = imports.import_upload_store(data=data, filename="waiting.csv", by=by)
    done = imports.import_upload_store(data=data, filename="done.csv", by=by)
    plan = imports_selectors.import_plan(
        table=read_table(data, "done.csv"),
        mapping={0: "reference", 1: "name", 2: "country"},
        user=by,
    )
    batch = imports.import_commit(
        plan=plan, by=by, valid_rows_only=False, file_sha256=done.sha256, filename="done.csv"
    )
    return {"upload_id": waiting.public_id, "batch_id": batch.public_id, "kind": "csv"}
