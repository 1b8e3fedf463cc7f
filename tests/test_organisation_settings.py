"""The organisation's settings in the web UI: who submits to the UN, sends and signs
letters, and the logo on them. Administrators set them; the environment variable
HABEAS_ORGANISATION is only the first value the form shows."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from PIL import Image

from habeas.advocacy import documents
from habeas.audit.models import AuditEntry
from habeas.cases import services as cases
from habeas.cases.models import Case
from habeas.demo import cases as demo
from habeas.organisation import forms, logo, selectors, services
from habeas.organisation.models import Organisation
from tests.support.advocacy import give_what_the_un_asks

URL = "/organisation/"
FILLED = {
    "name": "Memorial Watch (test)",
    "address": "12 Example Street\n\n  Tbilisi 0100  \nGeorgia",
    "email": "office@example.org",
    "phone": "+995 32 200 00 00",
    "signatory_name": "Nino Beridze",
    "signatory_title": "Director",
}


def gps_jpeg() -> bytes:
    """A photo of the office sign that gives away where it was taken: GPS, make, artist."""
    exif = Image.Exif()
    exif[271] = "SECRETMAKE"
    exif[315] = "SECRETARTIST"
    exif.get_ifd(0x8825).update({1: "N", 2: (41.0, 43.0, 0.0), 3: "E", 4: (44.0, 47.0, 0.0)})
    out = io.BytesIO()
    Image.new("RGB", (1600, 600), (20, 60, 120)).save(out, "JPEG", exif=exif, comment=b"COMMENT")
    return out.getvalue()


def bomb_png() -> bytes:
    out = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(out, "PNG")
    return out.getvalue()


def upload(data: bytes, name: str = "logo.jpg") -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def test_an_administrator_saves_the_settings_and_sees_them(client, ada):
    client.force_login(ada)
    response = client.post(URL, {**FILLED, "logo": upload(gps_jpeg())})
    assert response.status_code == 302 and response["Location"] == URL

    page = client.get(URL).content.decode()
    assert "The organisation&#x27;s settings are saved." in page
    for value in ("Memorial Watch (test)", "office@example.org", "Nino Beridze", "Director"):
        assert value in page
    assert f'src="{reverse("organisation_logo")}"' in page
    org = Organisation.objects.get()
    assert org.address == "12 Example Street\nTbilisi 0100\nGeorgia"  # blank lines dropped
    assert org.updated_by == ada and org.has_logo
    assert org.history.count() == 1 and org.history.get().history_user == ada

    entry = AuditEntry.objects.filter(action="organisation.update").get()
    assert entry.actor_id == ada.pk
    assert entry.detail["organisation_id"] == org.pk
    assert "Memorial" not in str(entry.detail) and "Nino" not in str(entry.detail)


def test_saving_the_same_values_again_changes_nothing(client, ada):
    client.force_login(ada)
    client.post(URL, FILLED)
    client.post(URL, FILLED)
    assert Organisation.objects.get().history.count() == 1
    assert AuditEntry.objects.filter(action="organisation.update").count() == 1
    assert "Nothing changed." in client.get(URL).content.decode()


@pytest.mark.parametrize("who", ["bob", "vera", "charlie"])
def test_anyone_but_an_administrator_gets_a_404_audited(client, request, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(URL).status_code == 404
    assert client.post(URL, FILLED).status_code == 404
    assert not Organisation.objects.exists()
    denied = AuditEntry.objects.filter(action="access.denied", actor_id=user.pk)
    assert denied.count() == 2 and denied.first().detail == {"view": "organisation_edit"}


def test_the_service_refuses_anyone_but_an_administrator(bob):
    with pytest.raises(PermissionDenied):
        services.organisation_update(by=bob, name="Hijacked")
    assert not Organisation.objects.exists()


def test_only_administrators_see_the_link(client, ada, bob):
    client.force_login(bob)
    assert URL not in client.get("/").content.decode()
    client.force_login(ada)
    assert f'href="{URL}"' in client.get("/").content.decode()


def test_a_post_without_the_csrf_token_is_refused(ada):
    client = Client(enforce_csrf_checks=True)
    client.force_login(ada)
    assert client.post(URL, FILLED).status_code == 403
    assert not Organisation.objects.exists()
    page = client.get(URL).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page


def _refused(client, message: str, **changed) -> str:
    response = client.post(URL, {**FILLED, **changed})
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body, body
    assert "Please correct the errors below; nothing was saved." in body
    assert 'value="Nino Beridze"' in body and 'value="Director"' in body  # the input kept
    return body


def test_a_bad_email_is_refused_and_the_input_kept(client, ada):
    client.force_login(ada)
    body = _refused(client, "Enter a valid email address.", email="office at example")
    assert 'value="office at example"' in body and "Memorial Watch (test)" in body
    assert not Organisation.objects.exists()


def test_a_name_is_required(client, ada, settings):
    settings.HABEAS_ORGANISATION = ""
    client.force_login(ada)
    _refused(client, "This field is required.", name="   ")
    with pytest.raises(ValidationError, match="Give the organisation"):
        services.organisation_update(by=ada, name="\u200b")
    assert not Organisation.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.4 not an image", "This file is not an image"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "damaged"),
        (b"", "The submitted file is empty."),
        (bomb_png(), "decompression bomb"),
    ],
    ids=["pdf", "damaged", "empty", "bomb"],
)
def test_a_file_that_is_not_a_usable_image_is_refused_and_the_input_kept(
    client, ada, data, message
):
    client.force_login(ada)
    _refused(client, message, logo=upload(data, "logo.png"))
    assert not Organisation.objects.exists()


def test_a_logo_over_the_upload_limit_is_reported_not_silently_dropped(client, ada, settings):
    settings.HABEAS_EVIDENCE_MAX_BYTES = 100 * 1024
    client.force_login(ada)
    _refused(
        client, "larger than the limit of 102,400 bytes", logo=upload(gps_jpeg() + b"\0" * 200_000)
    )
    assert not Organisation.objects.exists()


def test_a_logo_over_the_logos_own_limit_is_refused(client, ada, monkeypatch):
    monkeypatch.setattr(forms, "MAX_UPLOAD_BYTES", 1000)
    monkeypatch.setattr(logo, "MAX_UPLOAD_BYTES", 1000)
    client.force_login(ada)
    _refused(client, "The logo is larger than", logo=upload(gps_jpeg()))
    with pytest.raises(ValidationError, match="The logo is larger than"):
        services.organisation_update(by=ada, name="X", logo=gps_jpeg())


def test_the_stored_logo_is_a_small_png_without_metadata(client, ada, bob):
    original = gps_jpeg()
    assert b"SECRETMAKE" in original and Image.open(io.BytesIO(original)).getexif()  # premise
    client.force_login(ada)
    client.post(URL, {**FILLED, "logo": upload(original)})

    stored = selectors.organisation_logo_png()
    image = Image.open(io.BytesIO(stored))
    assert image.format == "PNG" and image.size == (800, 300)
    assert not image.getexif() and not image.getexif().get_ifd(0x8825)
    assert set(image.info) <= {"dpi", "gamma"}  # no text chunks, no eXIf
    for marker in (b"SECRETMAKE", b"SECRETARTIST", b"COMMENT", b"eXIf", b"Exif"):
        assert marker not in stored

    client.force_login(bob)  # any account: documents show it
    response = client.get(reverse("organisation_logo"))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response.content == stored


def test_the_logo_can_be_removed_and_other_saves_keep_it(client, ada):
    client.force_login(ada)
    client.post(URL, {**FILLED, "logo": upload(gps_jpeg())})
    client.post(URL, {**FILLED, "phone": "+995 32 211 11 11"})
    assert Organisation.objects.get().has_logo
    assert "Remove the logo" in client.get(URL).content.decode()

    assert client.post(URL, {**FILLED, "logo_remove": "on"}).status_code == 302
    org = Organisation.objects.get()
    assert not org.has_logo and org.logo is None
    assert selectors.organisation_logo_png() is None
    assert client.get(reverse("organisation_logo")).status_code == 404
    assert org.history.first().history_change_reason == "Logo: removed"


def test_the_environment_variable_is_only_the_initial_value(client, ada, settings):
    settings.HABEAS_ORGANISATION = "Rights Centre from the environment"
    client.force_login(ada)
    page = client.get(URL).content.decode()
    assert 'value="Rights Centre from the environment"' in page
    assert "Not saved yet" in page

    client.post(URL, {**FILLED, "name": "Rights Centre as saved"})
    settings.HABEAS_ORGANISATION = "Another name after a restart"
    assert selectors.organisation_current().name == "Rights Centre as saved"
    page = client.get(URL).content.decode()
    assert 'value="Rights Centre as saved"' in page and "Not saved yet" not in page


def test_the_sender_lines_are_name_address_email_phone_without_empty_ones(ada):
    org = services.organisation_update(by=ada, **FILLED)
    assert selectors.organisation_sender_lines(org) == [
        "Memorial Watch (test)",
        "12 Example Street",
        "Tbilisi 0100",
        "Georgia",
        "office@example.org",
        "+995 32 200 00 00",
    ]
    bare = services.organisation_update(by=ada, address="", email="", phone="+1")
    assert selectors.organisation_sender_lines(bare) == ["Memorial Watch (test)", "+1"]


def test_an_operators_command_sets_it_without_an_account(ada):
    org = services.organisation_update(by=None, name="Set at the shell")
    assert org.updated_by is None
    entry = AuditEntry.objects.filter(action="organisation.update").get()
    assert entry.detail["via"] == "command" and entry.detail["created"] is True


def test_the_wgeid_submission_names_the_saved_organisation(client, ada, alice, alices_case):
    police = cases.actor_create(name="Istanbul police (test)", country="TR", by=alice)
    give_what_the_un_asks(
        alices_case, police=police, arrested_on="2021-10-20", searched_on="2021-10-25", by=alice
    )
    url = reverse("case_document", args=[alices_case.public_id]) + "?doc=wgeid"
    client.force_login(alice)
    before = client.get(url).content.decode()
    assert "Identity of the submitting organisation and a contact" in before

    client.force_login(ada)
    client.post(URL, FILLED)
    client.force_login(alice)
    page = client.get(url).content.decode()
    submitted = page[page.index("Submitted by") :]
    assert submitted[: submitted.index("</p>")].endswith("Memorial Watch (test)")
    assert "Identity of the submitting organisation and a contact" not in page


@pytest.mark.django_db
def test_operators_set_and_show_it_from_the_server(tmp_path, settings):
    settings.HABEAS_ORGANISATION = "From the environment"
    out = io.StringIO()
    call_command("organisation", "show", stdout=out)
    assert "Not saved yet" in out.getvalue() and "name: From the environment" in out.getvalue()

    logo_file = tmp_path / "logo.jpg"
    logo_file.write_bytes(gps_jpeg())
    out = io.StringIO()
    call_command(
        "organisation",
        "set",
        "--name",
        "Set at the shell",
        "--address",
        r"1 Street\nCity",
        "--signatory-name",
        "A. Person",
        "--logo",
        str(logo_file),
        stdout=out,
    )
    org = Organisation.objects.get()
    assert (org.name, org.address, org.signatory_name) == (
        "Set at the shell",
        "1 Street\nCity",
        "A. Person",
    )
    assert org.has_logo and org.updated_by is None
    assert "Saved." in out.getvalue() and "address: 1 Street / City" in out.getvalue()
    entry = AuditEntry.objects.filter(action="organisation.update").get()
    assert entry.detail["via"] == "command" and entry.detail["created"] is True

    call_command("organisation", "set", "--phone", "+1 555", stdout=io.StringIO())
    org.refresh_from_db()
    assert org.name == "Set at the shell" and org.phone == "+1 555"  # the others stay


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--email", "not an address"], "--email: Enter a valid email address."),
        (["--logo", "/nonexistent/logo.png"], "Cannot read the logo: No such file or directory."),
        ([], "Nothing to set: give at least one option (see --help)."),
    ],
)
def test_the_command_refuses_bad_input_in_one_line(args, message, settings):
    settings.HABEAS_ORGANISATION = "Rights Centre"
    with pytest.raises(CommandError) as refused:
        call_command("organisation", "set", *args, stdout=io.StringIO())
    assert str(refused.value) == message
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_the_command_refuses_a_file_that_is_not_an_image(tmp_path, settings):
    settings.HABEAS_ORGANISATION = "Rights Centre"
    bad = tmp_path / "logo.png"
    bad.write_bytes(b"%PDF-1.4")
    with pytest.raises(CommandError, match=r"^--logo: This file is not an image"):
        call_command("organisation", "set", "--logo", str(bad), stdout=io.StringIO())


def test_the_demo_sets_a_fictional_organisation_so_its_un_submission_can_be_completed(alice):
    with time_machine.travel(datetime(2026, 12, 6, 12, tzinfo=UTC), tick=False):
        demo.load(user=alice)
    org = Organisation.objects.get()
    assert "fictional" in org.name and org.signatory_name and org.address
    first = Case.objects.get(reference="TM-DEMO-001")
    document = documents.wgeid_submission(case=first, language="en", today=date(2026, 12, 6))
    assert "submitter" not in document.missing_keys
    assert org.name in document.text()


def test_a_logo_altered_in_the_database_is_re_encoded_or_left_out(ada, alice, alices_case):
    """The logo is re-encoded from its pixels each time a document reads it: bytes
    written into the database behind the form carry no metadata into a document, and
    bytes that no longer decode leave the logo out with a staff warning instead of
    making every document a 500 (adversarial review)."""
    import zipfile

    from habeas.advocacy import render

    services.organisation_update(by=ada, **FILLED, logo=gps_jpeg())
    entry = AuditEntry.objects.filter(action="organisation.update").latest("pk")
    stored = bytes(Organisation.objects.get().logo)
    assert entry.detail["logo_sha256"] == hashlib.sha256(stored).hexdigest()
    assert entry.detail["logo_sha256"] in Organisation.history.latest().history_change_reason

    def letter():
        return documents.build(
            kind=documents.DocKind.LETTER,
            case=alices_case,
            language="en",
            today=date(2026, 12, 6),
            addressees=[],
        )

    Organisation.objects.update(logo=gps_jpeg())  # behind the form's back
    document = letter()
    assert document.logo and Image.open(io.BytesIO(document.logo)).format == "PNG"
    pdf = render.to_pdf(document)
    with zipfile.ZipFile(io.BytesIO(render.to_docx(document))) as docx:
        media = [docx.read(name) for name in docx.namelist() if name.startswith("word/media/")]
    assert media
    for body in (pdf, *media):
        for marker in (b"SECRETMAKE", b"SECRETARTIST", b"COMMENT", b"Exif"):
            assert marker not in body

    Organisation.objects.update(logo=b"\x89PNG\r\n\x1a\n garbage, not an image")
    document = letter()
    assert document.logo is None
    assert any("logo is damaged" in warning for warning in document.warnings)
    assert render.to_pdf(document).startswith(b"%PDF")
    assert render.to_docx(document).startswith(b"PK")
