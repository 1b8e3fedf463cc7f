"""Headers, CSRF and error pages: the basics every page keeps."""

from __future__ import annotations

import pytest
from django.test import Client


def test_authenticated_pages_carry_strict_headers(login, alice, alices_case):
    response = login(alice).get(alices_case.get_absolute_url())
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]
    assert response["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_script_and_no_other_host(login, alice, contested_case):
    client = login(alice)
    for url in [
        "/",
        "/cases/",
        contested_case.get_absolute_url(),
        "/search/?q=x",
        "/cases/new/",
        "/login/",
    ]:
        page = client.get(url).content.decode()
        assert "<script" not in page, url
        assert "http://" not in page and "https://" not in page, url
        assert " style=" not in page, url


@pytest.mark.django_db
def test_forms_refuse_posts_without_a_csrf_token(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post("/cases/new/", {"reference": "X"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_login_works_with_the_csrf_token_from_the_form(alice):
    from tests.conftest import PASSWORD

    client = Client(enforce_csrf_checks=True)
    page = client.get("/login/")
    token = page.cookies["csrftoken"].value
    response = client.post(
        "/login/", {"username": "alice", "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_wrong_password_shows_a_message_not_an_error(client, alice):
    response = client.post("/login/", {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_not_found_page_reveals_nothing(login, alice):
    response = login(alice).get("/cases/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    assert "There is no page at this address." in response.content.decode()


def test_health_needs_no_login_and_says_only_ok(client, db):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"ok": True}


def test_logout_is_a_post(login, alice):
    client = login(alice)
    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/").status_code == 302
    assert client.get("/cases/").status_code == 302


def test_pages_that_only_show_refuse_other_methods(login, alice, alices_case):
    """A read-only page answers 405 to POST, PUT or DELETE instead of showing itself."""
    client = login(alice)
    person = alices_case.people.get()
    case = f"/cases/{alices_case.public_id}/"
    pages = ["/", "/cases/", "/search/?q=Isakov", case, f"{case}history/"]
    for url in [*pages, f"/people/{person.public_id}/"]:
        assert client.get(url).status_code == 200, url
        assert client.head(url).status_code == 200, url
        for method in (client.post, client.put, client.delete):
            assert method(url).status_code == 405, (method.__name__, url)
