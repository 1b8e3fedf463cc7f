"""Publication pages as the team uses them: no dead end before a profile exists,
the message of a save shown on the page the form lands on, and a public update
that announces a UN submission nobody has sent is questioned before it goes out."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from habeas.advocacy import services
from habeas.advocacy.models import Intervention, PublicUpdate
from habeas.cases import services as cases
from tests.support.advocacy import consent_to_publication, give_what_the_un_asks
from tests.support.organisation import give_the_organisation

PROFILE = {
    "name": "Rustam Isakov",
    "status": "continuing",
    "country": "TM",
    "is_published": "on",
}


@pytest.fixture
def profile(alices_case, alice):
    consent_to_publication(alices_case, by=alice)
    return services.public_profile_save(
        case=alices_case, name="Rustam Isakov", is_published=True, country="TM", by=alice
    )


# --- Bug 2: "Add to the public timeline" before there is a profile --------------


def test_the_timeline_link_waits_for_a_profile(alices_case, bob, client):
    """GIVEN a case with nothing cleared for publication WHEN its team opens the
    Advocacy page THEN it offers to choose what is published, not a timeline entry
    that cannot be made; once a profile is saved through the form, it does."""
    consent_to_publication(alices_case)
    client.force_login(bob)
    advocacy = reverse("case_advocacy", args=[alices_case.public_id])
    timeline = reverse("public_update_add", args=[alices_case.public_id])
    body = client.get(advocacy).content.decode()
    assert timeline not in body
    assert reverse("publication_edit", args=[alices_case.public_id]) in body
    assert "A public timeline starts once a profile is cleared." in body

    client.post(reverse("publication_edit", args=[alices_case.public_id]), PROFILE)
    assert timeline in client.get(advocacy).content.decode()


def test_an_entry_typed_before_any_profile_is_kept_with_a_link_to_clear_one(
    alices_case, bob, client
):
    client.force_login(bob)
    posted = client.post(
        reverse("public_update_add", args=[alices_case.public_id]),
        {"happened_on": "Oct 2021", "title": "Kept title"},
    )
    assert posted.status_code == 400
    body = posted.content.decode()
    assert "Clear a public profile for this case first." in body
    assert 'value="Kept title"' in body
    assert f'href="{reverse("publication_edit", args=[alices_case.public_id])}"' in body
    assert not PublicUpdate.objects.exists()


# --- Bug 15: the message shows on the page the form lands on --------------------


def test_saving_what_is_published_says_so_on_the_preview_it_lands_on(alices_case, bob, client):
    consent_to_publication(alices_case)
    client.force_login(bob)
    saved = client.post(
        reverse("publication_edit", args=[alices_case.public_id]), PROFILE, follow=True
    )
    assert saved.redirect_chain == [
        (reverse("publication_preview", args=[alices_case.public_id]), 302)
    ]
    assert "Publication settings saved." in saved.content.decode()
    # Shown once, where it belongs: not again on the next, unrelated page.
    later = client.get(reverse("intervention_add", args=[alices_case.public_id]))
    assert "Publication settings saved." not in later.content.decode()


def test_adding_to_the_timeline_says_so_on_the_preview_it_lands_on(profile, bob, client):
    client.force_login(bob)
    added = client.post(
        reverse("public_update_add", args=[profile.case.public_id]),
        {"happened_on": "20 Oct 2021", "title": "Disappeared in Istanbul"},
        follow=True,
    )
    body = added.content.decode()
    assert "Public update added." in body
    assert "Disappeared in Istanbul" in body


def test_a_public_page_never_carries_a_staff_message(profile, bob, client):
    """The public pages are cached for everyone: a message meant for one member of
    staff must stay off them (and wait for that member's next staff page)."""
    client.force_login(bob)
    client.post(
        reverse("publication_edit", args=[profile.case.public_id]),
        {**PROFILE, "summary": "Changed"},
    )
    for url in (reverse("public_list"), profile.get_absolute_url()):
        assert "Publication settings saved." not in client.get(url).content.decode()
    preview = client.get(reverse("publication_preview", args=[profile.case.public_id]))
    assert "Publication settings saved." in preview.content.decode()


# --- Bug 17: a public update announcing a UN submission nobody has sent ---------

UN_UPDATE = {"happened_on": "26 Nov 2026", "title": "Case submitted to the United Nations"}


def test_announcing_a_un_submission_none_sent_warns_before_it_goes_public(profile, bob, client):
    client.force_login(bob)
    url = reverse("public_update_add", args=[profile.case.public_id])
    warned = client.post(url, UN_UPDATE)
    assert warned.status_code == 400
    body = warned.content.decode()
    assert "no UN submission of this case is marked sent" in body
    assert 'name="publish_anyway"' in body
    assert 'value="Case submitted to the United Nations"' in body
    assert not PublicUpdate.objects.exists()

    # A warning, not a refusal: the submission may have gone by another way.
    published = client.post(url, {**UN_UPDATE, "publish_anyway": "on"})
    assert published.status_code == 302
    assert PublicUpdate.objects.get().title == "Case submitted to the United Nations"


def test_an_update_that_announces_no_submission_is_not_questioned(profile, bob, client):
    client.force_login(bob)
    url = reverse("public_update_add", args=[profile.case.public_id])
    for title in ("UN experts call on Turkmenistan to disclose his fate", "Appeal filed in court"):
        posted = client.post(url, {"happened_on": "Nov 2021", "title": title})
        assert posted.status_code == 302, title
    assert PublicUpdate.objects.count() == 2


@pytest.fixture
def submitted(profile, alice, settings):
    """The case with its UN Working Group submission marked sent."""
    give_the_organisation(name="Test Rights Centre")
    case = profile.case
    case.disappeared_place = "Istanbul, Esenyurt"
    case.save()
    police = cases.actor_create(name="Istanbul police (test)", country="TR", by=alice)
    give_what_the_un_asks(
        case, police=police, arrested_on="2021-10-20", searched_on="2021-10-25", by=alice
    )
    wgeid = services.intervention_add(case=case, kind=Intervention.Kind.WGEID_STANDARD, by=alice)
    services.intervention_mark_sent(
        intervention=wgeid, sent_on=date(2026, 11, 26), channel="email", by=alice
    )
    return profile


def test_announcing_a_submission_that_was_sent_goes_straight_out(submitted, bob, client):
    client.force_login(bob)
    posted = client.post(reverse("public_update_add", args=[submitted.case.public_id]), UN_UPDATE)
    assert posted.status_code == 302
    assert PublicUpdate.objects.get().title == "Case submitted to the United Nations"
