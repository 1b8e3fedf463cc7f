"""The photo on a public profile: published only when cleared, and never with the
metadata of the original (a GPS position can lead to a family's door)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from PIL import Image

from habeas.advocacy import services
from habeas.advocacy.models import PublicProfile
from habeas.evidence.samples import screenshot_jpeg
from tests.support.advocacy import consent_to_publication


def big_photo_with_gps() -> bytes:
    """A 2000×1500 JPEG with GPS, camera and artist in EXIF, XMP and a comment."""
    small = Image.open(io.BytesIO(screenshot_jpeg()))
    exif, xmp = small.getexif(), small.info.get("xmp")
    out = io.BytesIO()
    small.resize((2000, 1500)).save(out, "JPEG", exif=exif, xmp=xmp, comment=b"JPEG-COMMENT")
    return out.getvalue()


def upload(data: bytes, name: str = "photo.jpg") -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


@pytest.fixture
def edit_url(alices_case):
    consent_to_publication(alices_case)
    return reverse("publication_edit", args=[alices_case.public_id])


def publish(client, url, **extra):
    data = {"name": "R. Isakov", "status": "continuing", "is_published": "on", "country": "TM"}
    return client.post(url, {**data, **extra})


def test_a_cleared_photo_is_published_small_and_without_metadata(
    alices_case, bob, client, edit_url
):
    original = big_photo_with_gps()
    assert b"EXIF-MAKE" in original and b"JPEG-COMMENT" in original  # the test's premise

    client.force_login(bob)
    assert publish(client, edit_url, photo=upload(original)).status_code == 302
    profile = PublicProfile.objects.get(case=alices_case)
    client.logout()

    page = client.get(profile.get_absolute_url()).content.decode()
    photo_url = reverse("public_photo", args=[profile.public_id])
    assert f'src="{photo_url}"' in page and 'alt="Photo of R. Isakov"' in page
    response = client.get(photo_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "public" in response["Cache-Control"]
    published = response.content
    image = Image.open(io.BytesIO(published))
    assert max(image.size) == 800
    assert not image.getexif()
    assert not image.getexif().get_ifd(0x8825)  # no GPS
    assert "xmp" not in image.info and "comment" not in image.info
    for marker in (b"EXIF-MAKE", b"EXIF-MODEL", b"EXIF-ARTIST", b"JPEG-COMMENT", b"xmpmeta"):
        assert marker not in published


def test_an_unpublished_profiles_photo_is_a_404_but_the_team_previews_it(
    alices_case, alice, charlie, client
):
    profile = services.public_profile_save(
        case=alices_case, name="R. Isakov", photo=screenshot_jpeg(), by=alice
    )
    public = client.get(reverse("public_photo", args=[profile.public_id]))
    missing = client.get(reverse("public_photo", args=["00000000-0000-0000-0000-000000000000"]))
    assert public.status_code == missing.status_code == 404
    assert public.content == missing.content

    preview = reverse("publication_photo", args=[alices_case.public_id])
    client.force_login(charlie)
    assert client.get(preview).status_code == 404
    client.force_login(alice)
    assert client.get(preview)["Content-Type"] == "image/jpeg"
    page = client.get(reverse("publication_preview", args=[alices_case.public_id]))
    assert f'src="{preview}"' in page.content.decode()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"%PDF-1.4 not a photo", "photo.jpg", "not a photo"),
        (b"\xff\xd8\xff\xe0 broken jpeg", "photo.jpg", "damaged"),
        (b"", "photo.jpg", "empty"),
    ],
)
def test_a_file_that_is_not_a_photo_is_refused_and_the_input_kept(
    alices_case, bob, client, edit_url, data, name, message
):
    client.force_login(bob)
    response = publish(client, edit_url, summary="Kept summary", photo=upload(data, name))
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body and "Kept summary" in body
    assert not PublicProfile.objects.filter(case=alices_case).exists()  # nothing half-saved


def test_a_photo_over_the_upload_limit_is_reported_not_silently_dropped(
    alices_case, bob, client, edit_url, settings
):
    """The upload handler drops a file past HABEAS_EVIDENCE_MAX_BYTES as it streams in;
    the optional photo field must then say so, not save the profile without it."""
    settings.HABEAS_EVIDENCE_MAX_BYTES = 100 * 1024
    client.force_login(bob)
    photo = upload(big_photo_with_gps() + b"\0" * (200 * 1024))
    response = publish(client, edit_url, summary="Kept summary", photo=photo)
    assert response.status_code == 400
    body = response.content.decode()
    assert "larger than the limit of 102,400 bytes" in body and "Kept summary" in body
    assert not PublicProfile.objects.filter(case=alices_case).exists()


def test_the_photo_can_be_taken_down(alices_case, bob, client, edit_url):
    client.force_login(bob)
    publish(client, edit_url, photo=upload(screenshot_jpeg()))
    profile = PublicProfile.objects.get(case=alices_case)
    assert client.get(reverse("public_photo", args=[profile.public_id])).status_code == 200

    assert publish(client, edit_url, photo_remove="on").status_code == 302
    assert client.get(reverse("public_photo", args=[profile.public_id])).status_code == 404
    assert "Photo of" not in client.get(profile.get_absolute_url()).content.decode()


def test_saving_other_fields_keeps_the_photo(alices_case, bob, client, edit_url):
    client.force_login(bob)
    publish(client, edit_url, photo=upload(screenshot_jpeg()))
    publish(client, edit_url, summary="New summary")
    assert PublicProfile.objects.get(case=alices_case).has_photo


def test_the_partner_export_links_the_photo_only_when_there_is_one(alices_case, alice, settings):
    import json

    from django.core.management import call_command

    settings.HABEAS_SITE_URL = "https://habeas.example.org"
    consent_to_publication(alices_case, by=alice)
    profile = services.public_profile_save(
        case=alices_case, name="R. Isakov", is_published=True, by=alice
    )
    out = io.StringIO()
    call_command("export", "public", format="json", stdout=out)
    assert json.loads(out.getvalue())[0]["photo_url"] == ""

    services.public_profile_save(case=alices_case, photo=screenshot_jpeg(), by=alice)
    out = io.StringIO()
    call_command("export", "public", format="json", stdout=out)
    expected = f"https://habeas.example.org/public/{profile.public_id}/photo.jpg"
    assert json.loads(out.getvalue())[0]["photo_url"] == expected
