"""Habeas in Russian: the user's language and the visitor's, the switch, plural
forms, dates, e-mails, and the build's rule that a catalogue is complete."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from habeas.accounts.models import User
from habeas.advocacy import services as advocacy
from habeas.alerts import delivery
from habeas.audit.models import AuditEntry
from habeas.cases.models import Case
from habeas.lib.partialdate import PartialDate
from tests.support.advocacy import consent_to_publication
from tests.support.alerts import raise_alert
from tests.support.i18n import compile_catalogues

ROOT = Path(__file__).resolve().parent.parent
CHECK = ROOT / "scripts" / "check_translations.py"


@pytest.fixture(autouse=True)
def _catalogues():
    compile_catalogues()


def _russian(user: User) -> User:
    user.language = "ru"
    user.save(update_fields=["language"])
    return user


# --- make lint: a catalogue with anything left to translate fails -----------------

PO_HEADER = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: ru\\n"
"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && "
"n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\\n"

msgid "Dashboard"
msgstr "Сводка"

msgid "%(n)s day"
msgid_plural "%(n)s days"
msgstr[0] "%(n)s день"
msgstr[1] "%(n)s дня"
msgstr[2] "%(n)s дней"
"""


def _lint(tmp_path: Path, extra: str) -> subprocess.CompletedProcess[str]:
    po = tmp_path / "django.po"
    po.write_text(PO_HEADER + extra, encoding="utf-8")
    return subprocess.run([sys.executable, CHECK, po], capture_output=True, text=True, check=False)


def test_lint_passes_a_complete_catalogue(tmp_path):
    result = _lint(tmp_path, "")
    assert result.returncode == 0, result.stderr


def test_lint_fails_on_one_untranslated_message(tmp_path):
    result = _lint(tmp_path, '\nmsgid "Cases"\nmsgstr ""\n')
    assert result.returncode == 1
    assert "1 untranslated" in result.stderr


def test_lint_fails_on_one_fuzzy_message(tmp_path):
    result = _lint(tmp_path, '\n#, fuzzy\nmsgid "Cases"\nmsgstr "Дела"\n')
    assert result.returncode == 1
    assert "1 fuzzy" in result.stderr


def test_lint_fails_on_a_placeholder_lost_in_translation(tmp_path):
    result = _lint(tmp_path, '\n#, python-format\nmsgid "%(n)d cases"\nmsgstr "дела"\n')
    assert result.returncode == 1


def test_make_lint_checks_the_catalogues_and_make_test_compiles_them(tmp_path):
    def dry_run(target: str) -> str:
        return subprocess.run(
            ["make", "-n", target, f"VENV={tmp_path / 'venv'}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    assert "scripts/check_translations.py" in dry_run("lint")
    for target in ("run", "test-sqlite", "test-postgres"):
        commands = dry_run(target)
        assert "compilemessages" in commands, target
        last = "bin/pytest" if target.startswith("test") else "bin/habeas demo"
        assert commands.index("compilemessages") < commands.rindex(last)


def test_compiled_catalogues_are_never_committed():
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", "habeas/locale/ru/LC_MESSAGES/django.mo"],
        cwd=ROOT,
        check=False,
    )
    assert ignored.returncode == 0


# --- settings -------------------------------------------------------------------------


def test_the_locale_middleware_sits_between_sessions_and_common():
    order = settings.MIDDLEWARE
    locale = order.index("django.middleware.locale.LocaleMiddleware")
    assert order.index("django.contrib.sessions.middleware.SessionMiddleware") < locale
    assert locale < order.index("django.middleware.common.CommonMiddleware")
    user_language = order.index("habeas.accounts.middleware.UserLanguageMiddleware")
    assert order.index("django.contrib.auth.middleware.AuthenticationMiddleware") < user_language


def test_russian_is_offered_because_its_catalogue_is_there():
    assert ("ru", "Русский") in settings.LANGUAGES
    assert settings.LANGUAGES[0] == ("en", "English")
    assert settings.LOCALE_PATHS == [ROOT / "habeas" / "locale"]


# --- a language per user --------------------------------------------------------------


def test_the_users_language_wins_over_the_browsers(client, alice):
    client.force_login(alice)
    response = client.post(reverse("account_language"), {"language": "ru"})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.language == "ru"
    entry = AuditEntry.objects.get(action="auth.language_changed")
    assert entry.detail == {"from": "", "to": "ru"}

    # The browser asks for English, and so does a language cookie: the account wins.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="ru">' in page
    assert "Сводка" in page

    # "As my browser asks": the browser decides again.
    client.post(reverse("account_language"), {"language": ""})
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    page = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in page


def test_an_unknown_language_is_refused_with_a_message(client, alice):
    client.force_login(alice)
    response = client.post(reverse("account_language"), {"language": "xx"}, follow=True)
    alice.refresh_from_db()
    assert alice.language == ""
    assert "Choose one of the languages offered." in response.content.decode()
    assert not AuditEntry.objects.filter(action="auth.language_changed").exists()


def test_the_header_switch_of_a_signed_in_user_saves_their_language_and_keeps_the_page(
    client, alice, alices_case
):
    client.force_login(alice)
    page = alices_case.get_absolute_url()
    response = client.post(reverse("account_language"), {"language": "ru", "next": page})
    assert response["Location"] == page
    # Another site as `next`: back to the account page instead.
    response = client.post(
        reverse("account_language"), {"language": "ru", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("account")


# --- the visitor's language: Accept-Language, then the switch --------------------------


@pytest.fixture
def published(alice, alices_case):
    consent_to_publication(alices_case, by=alice)
    return advocacy.public_profile_save(
        case=alices_case,
        name="Rustam Isakov",
        is_published=True,
        country="TM",
        disappeared_on=date(2021, 10, 20),
        by=alice,
    )


def test_a_visitor_reads_the_public_pages_in_the_browsers_language(client, published):
    response = client.get(reverse("public_list"), HTTP_ACCEPT_LANGUAGE="ru,en;q=0.5")
    page = response.content.decode()
    assert '<html lang="ru">' in page
    assert response["Content-Language"] == "ru"
    assert "Accept-Language" in response["Vary"] and "Cookie" in response["Vary"]
    english = client.get(reverse("public_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in english


def test_the_visitors_switch_works_without_javascript_and_keeps_the_page(client, published):
    url = published.get_absolute_url()
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # A plain form on the page itself, naming each language in its own language.
    assert f'action="{reverse("set_language")}"' in page
    assert f'<input type="hidden" name="next" value="{url}">' in page
    assert '<option value="ru" lang="ru">Русский</option>' in page

    response = client.post(reverse("set_language"), {"language": "ru", "next": url})
    assert response.status_code == 302 and response["Location"] == url
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "ru"
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert not cookie["max-age"]  # gone when the browser closes
    # The choice wins over the browser's Accept-Language from then on.
    again = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="ru">' in again
    assert '<option value="ru" lang="ru" selected>Русский</option>' in again


@pytest.mark.parametrize(
    "elsewhere",
    ["https://evil.example/", "//evil.example/x", "http://testserver.evil.example/", "/\\evil"],
)
def test_the_switch_never_sends_a_visitor_to_another_host(client, published, elsewhere):
    response = client.post(reverse("set_language"), {"language": "ru", "next": elsewhere})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_the_language_cookie_is_flagged_like_the_session_cookie():
    assert settings.LANGUAGE_COOKIE_HTTPONLY is True
    assert settings.LANGUAGE_COOKIE_SAMESITE == settings.SESSION_COOKIE_SAMESITE
    assert settings.LANGUAGE_COOKIE_SECURE == settings.SESSION_COOKIE_SECURE
    assert settings.LANGUAGE_COOKIE_AGE is None


def test_the_login_page_has_the_switch_and_speaks_the_browsers_language(client):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert '<html lang="ru">' in page
    assert f'action="{reverse("set_language")}"' in page


# --- plural forms: the silence counter ------------------------------------------------


@pytest.mark.parametrize(
    ("days", "russian"),
    [
        (1, "1 день"),
        (2, "2 дня"),
        (5, "5 дней"),
        (21, "21 день"),
        (22, "22 дня"),
        (25, "25 дней"),
    ],
)
def test_days_without_news_take_the_russian_plural(client, alice, alices_case, days, russian):
    Case.objects.filter(pk=alices_case.pk).update(
        last_info_at=timezone.now() - timedelta(days=days)
    )
    client.force_login(_russian(alice))
    page = client.get(reverse("case_list")).content.decode()
    row = page[page.index(alices_case.reference) :]
    row = row[: row.index("</tr>")]
    # The "silent for" column (after "days gone", before the UN window).
    assert f">{russian}</td>" in row


# --- dates ------------------------------------------------------------------------------


def test_russian_dates_are_written_as_russian_documents_write_them():
    with translation.override("ru"):
        assert date_format(date(2026, 11, 16)) == "16 ноября 2026 г."
        assert str(PartialDate.parse("about 2002")) == "около 2002 г."
        assert str(PartialDate.parse("Mar 2019")) == "март 2019 г."
    with translation.override("en"):
        assert date_format(date(2026, 11, 16)) == "16 Nov 2026"
        assert str(PartialDate.parse("about 2002")) == "about 2002"


def test_partial_dates_on_the_case_page_follow_the_interface_language(client, alice):
    from habeas.cases import services as cases

    person = cases.person_create(name="Азиз Р.", by=alice)
    case = cases.case_create(
        reference="TJ-2002-001",
        person=person,
        country="TJ",
        disappeared_on=PartialDate.parse("about 2002"),
        by=alice,
    )
    client.force_login(_russian(alice))
    page = client.get(case.get_absolute_url()).content.decode()
    assert "около 2002 г." in page
    assert "about 2002" not in page


def test_a_wrong_date_is_refused_in_the_users_language(client, alice, alices_case):
    client.force_login(_russian(alice))
    response = client.post(
        reverse("event_add", args=[alices_case.public_id]),
        {"kind": "arrest", "occurred_on": "31 Feb 2021", "description": "Taken."},
    )
    page = response.content.decode()
    assert response.status_code == 400  # the form again, with its message
    assert "31 февраля 2021" in page
    assert "There is no" not in page


# --- e-mails ------------------------------------------------------------------------------


def test_an_alert_email_to_a_russian_speaking_user_is_in_russian(settings, alice, bob, alices_case):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    alice.email, bob.email = "alice@example.org", "bob@example.org"
    alice.save()
    bob.save()
    _russian(alice)
    raise_alert(alices_case)
    with translation.override("en"):  # the watcher's own language
        delivery.deliver_due(worker="test")
    by_address = {message.to[0]: message for message in mail.outbox}
    russian, english = by_address["alice@example.org"], by_address["bob@example.org"]
    assert russian.subject.startswith("[Habeas] TM-2021-003: ")
    assert "no new information" not in russian.subject
    assert "needs your attention" not in russian.body
    assert "Habeas needs your attention:" in english.body
    assert english.subject == "[Habeas] TM-2021-003: no new information for 3 days"
    with translation.override("ru"):
        assert translation.gettext("Habeas needs your attention:") in russian.body


def test_the_atom_feed_is_written_in_the_readers_language(client, alice, published):
    advocacy.public_update_add(
        profile=published, happened_on=PartialDate.parse("about 2002"), title="Seen", by=alice
    )
    feed = client.get(reverse("public_feed"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert 'xml:lang="ru"' in feed
    assert "около 2002 г." in feed
    with translation.override("ru"):
        assert translation.gettext("Habeas: public updates") in feed
    assert "Habeas: public updates" not in feed


def test_the_public_timeline_dates_are_in_the_readers_language(client, alice, published):
    advocacy.public_update_add(
        profile=published, happened_on=PartialDate.parse("2022-02-14"), title="Seen", by=alice
    )
    advocacy.public_update_add(
        profile=published, happened_on=PartialDate.parse("about 2002"), title="Heard", by=alice
    )
    url = reverse("public_profile", args=[published.public_id])
    russian = client.get(url, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "14 февраля 2022 г." in russian
    assert "около 2002 г." in russian
    assert "Feb 2022" not in russian
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "14 Feb 2022" in english


def test_the_not_found_page_speaks_the_users_language(client, alice):
    client.force_login(_russian(alice))
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="ru">' in page
    with translation.override("ru"):
        assert translation.gettext("There is no page at this address.") in page
    assert "There is no page at this address." not in page


# The names makemessages (xgettext) extracts messages from: Django's own keywords.
XGETTEXT_NAMES = {
    "_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy",
    "pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy",
}  # fmt: skip


def test_every_translation_function_is_called_by_a_name_makemessages_reads():
    """`gettext_lazy as _lazy` hid its messages from every catalogue: xgettext knows
    the functions by name only."""
    import ast

    hidden = []
    for path in (ROOT / "habeas").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
                for alias in node.names:
                    name = alias.asname or alias.name
                    if "gettext" in alias.name and name not in XGETTEXT_NAMES:
                        hidden.append(f"{path.relative_to(ROOT)}: {alias.name} as {name}")
    assert not hidden
