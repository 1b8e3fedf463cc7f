"""A body that fits each API write's schema, by (method, path): the authorization
matrix and the door tests send it, so that a request reaches the access door."""

from __future__ import annotations

API_BODIES = {
    ("POST", "/cases/"): lambda ids: {"reference": "MATRIX-1", "country": "RU", "name": "M. Atrix"},
    ("PATCH", "/cases/{case_id}/"): lambda ids: {"summary": "Matrix."},
    ("POST", "/cases/{case_id}/people/"): lambda ids: {"name": "A. Second"},
    ("POST", "/cases/{case_id}/statuses/"): lambda ids: {
        "status": "presumed_ed",
        "asserted_on": "2022-01-10",
        "basis": "Matrix.",
    },
    ("POST", "/cases/{case_id}/events/"): lambda ids: {
        "kind": "arrest",
        "occurred_on": "2021-10-21",
        "description": "Matrix.",
    },
    ("PATCH", "/cases/{case_id}/events/{event_id}/"): lambda ids: {"description": "Matrix."},
    ("PATCH", "/people/{person_id}/"): lambda ids: {"occupation": "Matrix"},
    ("POST", "/people/{person_id}/names/"): lambda ids: {"text": "Matrix Name"},
    ("PATCH", "/people/{person_id}/names/{name_id}/"): lambda ids: {"seen_in": "Matrix"},
    ("DELETE", "/people/{person_id}/names/{name_id}/"): lambda ids: {},
    ("POST", "/sources/"): lambda ids: {
        "case": ids["case_id"],
        "code_name": "MATRIX",
        "kind": "witness",
    },
    ("PATCH", "/sources/{source_id}/"): lambda ids: {"public_name": "Matrix"},
    ("POST", "/claims/"): lambda ids: {
        "case": ids["case_id"],
        "source": ids["source_id"],
        "topic": "other",
        "statement": "Matrix.",
        "received_on": "2021-12",
        "material": "testimony",
    },
    ("PATCH", "/claims/{claim_id}/"): lambda ids: {"outside_wording": "Matrix."},
    ("POST", "/interventions/"): lambda ids: {"case": ids["case_id"], "kind": "press_statement"},
    ("POST", "/interventions/{intervention_id}/ready/"): lambda ids: {"checked": True},
    ("POST", "/interventions/{intervention_id}/sent/"): lambda ids: {
        "sent_on": "2022-02-01",
        "channel": "post",
    },
    ("POST", "/interventions/{intervention_id}/sent-elsewhere/"): lambda ids: {
        "sent_on": "2022-02-01",
        "channel": "post",
    },
    ("POST", "/interventions/{intervention_id}/standard/"): lambda ids: {},
    ("POST", "/interventions/{intervention_id}/close/"): lambda ids: {"reason": "Matrix."},
    ("POST", "/interventions/{intervention_id}/responses/"): lambda ids: {
        "received_on": "2022-03-01",
        "type": "denial",
    },
    ("POST", "/alerts/{alert_id}/acknowledge/"): lambda ids: {},
    ("POST", "/alerts/{alert_id}/snooze/"): lambda ids: {"days": 3, "reason": "Matrix."},
}
