"""The emergency file: filled through its form (rows without JavaScript), sealed at
rest, the photo re-encoded and shown to the team only."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.urls import reverse
from PIL import Image

from habeas.evidence import samples
from habeas.protection import services
from habeas.protection.emergency import EmergencyFile
from habeas.protection.models import AtRisk
from tests.support.protection import enrolled, full_file


@pytest.fixture
def person(alice, bob, vera):
    return enrolled(alice, members=[bob], read_only=[vera], mark="SEAL-CHECK-77")


def _form_data(prefixes=("names", "documents", "addresses", "relatives"), rows=2, **values):
    data = {}
    for prefix in prefixes:
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": str(rows),
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "200",
            }
        )
    data.update(values)
    return data


def test_the_file_round_trips_through_json():
    file = full_file("x")
    assert EmergencyFile.from_json(file.to_json()) == file
    # A key from a newer version is ignored, a missing one defaults.
    assert (
        EmergencyFile.from_json('{"names": [{"text": "A", "extra": 1}], "new": 2}').primary_name
        == "A"
    )


def test_the_file_is_sealed_at_rest(person):
    with connection.cursor() as cursor:
        cursor.execute("SELECT emergency_file, code_name FROM protection_atrisk")
        sealed, code_name = cursor.fetchone()
    assert code_name == "KESTREL"
    assert "SEAL-CHECK-77" not in sealed and "Isakov" not in sealed and "A1234567" not in sealed
    assert EmergencyFile.from_json(AtRisk.objects.get().emergency_file).primary_name.startswith(
        "Rustam Isakov"
    )


def test_a_caseworker_fills_the_file_through_the_form(client, alice):
    at_risk = enrolled(alice, plan=False)
    services.emergency_file_set(at_risk=at_risk, file=EmergencyFile(), by=alice)
    client.force_login(alice)
    url = reverse("protection:file_edit", args=[at_risk.public_id])
    assert client.get(url).status_code == 200
    data = _form_data(
        **{
            "names-0-text": "Aziz Rahimov",
            "names-1-text": "Азиз Рахимов",
            "birth_date": "March 1990",
            "sex": "m",
            "country": "TJ",
            "documents-0-kind": "passport",
            "documents-0-number": "P9988776",
            "relatives-0-name": "Zarina",
            "relatives-0-relationship": "wife",
            "relatives-0-contact": "+992 000",
            "risk_torture": "on",
            "consent_un": "on",
            "consent_form": "written",
        }
    )
    page = client.post(url, data)
    assert page.status_code == 302, page.context and page.context["forms"].main.errors
    file = EmergencyFile.from_json(AtRisk.objects.get(pk=at_risk.pk).emergency_file)
    assert [n.text for n in file.names] == ["Aziz Rahimov", "Азиз Рахимов"]
    assert file.birth_partial is not None and file.birth_partial.display() == "Mar 1990"
    assert file.documents[0].number == "P9988776" and file.relatives[0].relationship == "wife"
    assert file.risk_torture and file.consent_un and file.country == "TJ"
    # The form shows it again as saved.
    again = client.get(url).content.decode()
    assert 'value="Азиз Рахимов"' in again and 'value="Mar 1990"' in again


def test_errors_keep_everything_typed(client, alice):
    at_risk = enrolled(alice, plan=False)
    client.force_login(alice)
    url = reverse("protection:file_edit", args=[at_risk.public_id])
    data = _form_data(
        **{
            "names-0-text": "Keep Me",
            "birth_date": "the 45th of Nevember",
            "relatives-0-name": "Someone",  # no relationship
            "consent_publication": "on",  # no "how"
        }
    )
    page = client.post(url, data)
    assert page.status_code == 400
    html = page.content.decode()
    assert (
        'value="Keep Me"' in html and "the 45th of Nevember" in html and 'value="Someone"' in html
    )
    assert "birth_date" in page.context["forms"].main.errors
    assert "consent_form" in page.context["forms"].main.errors
    assert page.context["forms"].rows["relatives"].forms[0].errors
    assert "Keep Me" not in AtRisk.objects.get(pk=at_risk.pk).emergency_file


def test_add_more_rows_reposts_without_saving(client, alice):
    at_risk = enrolled(alice, plan=False)
    client.force_login(alice)
    url = reverse("protection:file_edit", args=[at_risk.public_id])
    before = AtRisk.objects.get(pk=at_risk.pk).emergency_file
    page = client.post(url, _form_data(rows=2, more="1", **{"names-0-text": "Typed"}))
    assert page.status_code == 200
    assert len(page.context["forms"].rows["names"].forms) == 5
    assert 'value="Typed"' in page.content.decode()
    assert AtRisk.objects.get(pk=at_risk.pk).emergency_file == before


def test_the_photo_is_re_encoded_and_shown_to_the_team_only(client, person, alice, charlie):
    client.force_login(alice)
    upload = io.BytesIO(samples.screenshot_jpeg())
    upload.name = "me.jpg"
    page = client.post(reverse("protection:photo_edit", args=[person.public_id]), {"photo": upload})
    assert page.status_code == 302
    url = reverse("protection:photo", args=[person.public_id])
    shown = client.get(url)
    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg"
    assert "no-store" in shown["Cache-Control"]
    image = Image.open(io.BytesIO(shown.content))
    assert not image.getexif()
    with connection.cursor() as cursor:
        cursor.execute("SELECT photo FROM protection_atrisk")
        assert b"\xff\xd8" not in cursor.fetchone()[0].encode("latin-1", "replace")
    client.force_login(charlie)
    assert client.get(url).status_code == 404


def test_a_file_that_is_not_a_photo_is_refused_on_the_form(client, person, alice):
    client.force_login(alice)
    upload = io.BytesIO(b"%PDF-1.4 not a photo")
    upload.name = "x.jpg"
    page = client.post(reverse("protection:photo_edit", args=[person.public_id]), {"photo": upload})
    assert page.status_code == 400
    assert page.context["forms"][0].errors["photo"]


def test_safety_contacts_rows_are_checked_and_kept(client, person, alice, settings):
    settings.HABEAS_PROTECTION_WEBHOOKS = [("https://partner.example.org/hook", "s" * 16)]
    client.force_login(alice)
    url = reverse("protection:contacts_edit", args=[person.public_id])
    assert client.get(url).status_code == 200
    data = {
        "contacts-TOTAL_FORMS": "2",
        "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "50",
        "contacts-0-name": "Front Line partner",
        "contacts-0-is_partner": "on",
        "contacts-0-channel": "webhook",
        "contacts-0-target": "https://anywhere.example.org/hook",  # not configured
        "contacts-0-language": "ru",
    }
    bad = client.post(url, data)
    assert bad.status_code == 400
    assert "target" in bad.context["formset"].forms[0].errors
    assert 'value="Front Line partner"' in bad.content.decode()
    data["contacts-0-target"] = "https://partner.example.org/hook"
    assert client.post(url, data).status_code == 302
    contact = person.contacts.get()
    assert contact.is_partner and contact.language == "ru" and contact.channel == "webhook"
