"""PFIF 1.4 in: a document in Person Finder's format becomes people, cases and
attributed claims, once, in one transaction, audited; a document that is not safe
XML or not valid PFIF imports nothing and says where it is wrong."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.urls import reverse

from habeas.alerts.models import Alert
from habeas.audit.models import AuditEntry
from habeas.cases.models import Case, Person
from habeas.pfif import services
from habeas.pfif.document import DocumentError, read, sha256
from habeas.pfif.models import PfifAuthor, PfifImport, PfifRecord, PossibleDuplicate
from habeas.pfif.services import pfif_import
from habeas.sources.models import Claim, Source

SAMPLE = Path(__file__).parent / "fixtures" / "pfif" / "person-finder-sample.xml"
HEAD = b'<?xml version="1.0" encoding="UTF-8"?>\n'
OPEN = b'<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4">'


def _person(name: bytes = b"Test Person", record: bytes = b"x.example.org/p.1") -> bytes:
    return (
        b"<pfif:person><pfif:person_record_id>" + record + b"</pfif:person_record_id>"
        b"<pfif:source_date>2022-01-01T00:00:00Z</pfif:source_date>"
        b"<pfif:full_name>" + name + b"</pfif:full_name></pfif:person>"
    )


def _import(path: Path | str, user: str = "alice", country: str = "BY") -> str:
    out = io.StringIO()
    call_command("pfif", "import", str(path), "--as", user, "--country", country, stdout=out)
    return out.getvalue()


def _case_of(record_id: str, user: str = "alice") -> Case:
    """The case a person record was imported into, for `user`."""
    return PfifRecord.objects.get(
        record_id=record_id, kind=PfifRecord.Kind.PERSON, batch__created_by__username=user
    ).case


def _nothing_imported() -> None:
    assert Case.objects.count() == Person.objects.count() == 0
    assert PfifImport.objects.count() == Claim.objects.count() == 0


def test_the_person_finder_sample_becomes_people_cases_and_claims(alice):
    said = _import(SAMPLE)
    assert "2 people and cases, 4 notes as claims" in said
    assert "1 expired records skipped" in said
    assert "Possible duplicate:" in said and "other.example.com/person.88" in said
    ales = _case_of("finder.example.org/person.4101")
    person = ales.people.get()
    assert person.display_name == "Ales Vetrov"
    assert {n.text for n in person.names.all()} == {"Ales Vetrov", "Aleś Vietraŭ", "Алесь Ветров"}
    assert person.sex == Person.Sex.MALE
    assert person.birth_date.display() == "Apr 1985"
    assert (
        "Tall, grey coat" in person.description and "Home (PFIF): Hrodna, BY." in person.description
    )
    assert ales.country == "BY"
    assert ales.members.get().user == alice  # opened as a person opening a case would
    # One source per note author: the sister (person record and two notes) and the desk.
    sister, desk = Source.objects.filter(case=ales).order_by("code_name")
    assert (sister.code_name, sister.identity) == ("PFIF-1", "Olga Vetrova")
    assert "olga.vetrova@example.net" in sister.contact  # sealed, with the identity
    assert desk.identity == "Volunteer desk"
    claims = Claim.objects.filter(case=ales).order_by("pk")
    assert [c.source for c in claims] == [sister, desk, sister]
    first = claims[0]
    assert first.statement.startswith("My brother did not come home")
    assert first.dated_on.display() == "1 Mar 2022"  # the note's date, not today's
    assert first.topic == Claim.Topic.STATUS
    assert "olga.vetrova" not in first.statement
    # A note's status is its author's claim, never the case's status.
    assert ales.statuses.get().status == "reported_missing"
    ales.refresh_from_db()
    # Silence counts from the latest note's day (9 Mar, to its end), not from today.
    assert ales.last_info_at == datetime(2022, 3, 10, tzinfo=UTC)
    assert not Alert.objects.exists()  # no burst of alerts for old news
    maryna = _case_of("finder.example.org/person.4102")
    (own,) = Source.objects.filter(case=maryna)
    assert own.kind == Source.Kind.VICTIM  # is_note_author: the person speaks
    dup = PossibleDuplicate.objects.get()
    assert (dup.case, dup.linked_record_id, dup.candidate) == (
        ales,
        "other.example.com/person.88",
        None,
    )
    entry = AuditEntry.objects.get(action="pfif.import")
    assert entry.actor_username == "alice"
    assert entry.detail == {
        "sha256": sha256(SAMPLE.read_bytes()),
        "persons": 2,
        "notes": 4,
        "already": 0,
        "expired": 1,
        "duplicates": 1,
        "skipped": 0,
    }
    assert "Ales" not in str(entry.detail)  # ids and counts only


def test_importing_the_same_file_again_writes_nothing_twice(alice):
    _import(SAMPLE)
    counts = (Case.objects.count(), Claim.objects.count(), Source.objects.count())
    said = _import(SAMPLE)
    assert "0 people and cases, 0 notes as claims; 6 records already imported" in said
    assert (Case.objects.count(), Claim.objects.count(), Source.objects.count()) == counts
    assert PossibleDuplicate.objects.count() == 1


def test_a_new_note_on_a_known_person_joins_its_case_and_author(alice, tmp_path):
    _import(SAMPLE)
    later = tmp_path / "later.xml"
    later.write_bytes(
        HEAD + OPEN + b"<pfif:note><pfif:note_record_id>finder.example.org/note.7009"
        b"</pfif:note_record_id><pfif:person_record_id>finder.example.org/person.4101"
        b"</pfif:person_record_id><pfif:author_name>Olga Vetrova</pfif:author_name>"
        b"<pfif:author_email>olga.vetrova@example.net</pfif:author_email>"
        b"<pfif:author_phone>+375 29 000 0001</pfif:author_phone>"
        b"<pfif:source_date>2022-04-01T00:00:00Z</pfif:source_date>"
        b"<pfif:linked_person_record_id>finder.example.org/person.4102</pfif:linked_person_record_id>"
        b"<pfif:text>Still no news.</pfif:text></pfif:note></pfif:pfif>"
    )
    assert "0 people and cases, 1 notes as claims" in _import(later)
    claim = Claim.objects.get(statement="Still no news.")
    assert claim.source.code_name == "PFIF-1"  # the same author, the same source
    dup = PossibleDuplicate.objects.get(linked_record_id="finder.example.org/person.4102")
    assert dup.candidate.display_name == "Maryna Kalina"  # known here: named


@pytest.mark.parametrize(
    ("payload", "said"),
    [
        (  # billion laughs
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
            b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
            + OPEN
            + _person(b"&lol3;")
            + b"</pfif:pfif>",
            "declares a DTD",
        ),
        (  # external entity (XXE)
            b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            + OPEN
            + _person(b"&xxe;")
            + b"</pfif:pfif>",
            "declares a DTD",
        ),
        (  # external DTD
            b'<?xml version="1.0"?><!DOCTYPE pfif SYSTEM "http://127.0.0.1:9/evil.dtd">'
            + OPEN
            + _person()
            + b"</pfif:pfif>",
            "declares a DTD",
        ),
    ],
    ids=["billion-laughs", "external-entity", "external-dtd"],
)
def test_malicious_xml_is_refused_before_anything_is_read(alice, tmp_path, payload, said):
    path = tmp_path / "evil.xml"
    path.write_bytes(payload)
    with pytest.raises(CommandError, match=said) as error:
        _import(path)
    assert "Nothing was imported." in str(error.value)
    assert "root:" not in str(error.value)  # /etc/passwd was never read
    _nothing_imported()


def test_the_reader_refuses_entities_even_without_a_dtd_the_parser_sees():
    with pytest.raises(DocumentError, match="declares a DTD"):
        read(
            b'<!DOCTYPE x [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x">%p;]>'
            + OPEN
            + b"</pfif:pfif>"
        )


@pytest.mark.parametrize(
    ("payload", "said"),
    [
        (OPEN + _person() + b"</pfif:pf", "Line 1, column"),  # not well-formed
        (
            HEAD + OPEN + b"\n<pfif:person><pfif:person_record_id>x.example.org/p.1"
            b"</pfif:person_record_id><pfif:full_name>No Date</pfif:full_name>"
            b"</pfif:person></pfif:pfif>",
            "Line 3: Element 'pfif:person': the required field pfif:source_date is missing.",
        ),
        (
            HEAD
            + OPEN
            + b"\n\n"
            + _person().replace(
                b"</pfif:full_name>", b"</pfif:full_name><pfif:sex>unknown</pfif:sex>"
            )
            + b"</pfif:pfif>",
            "Line 4: Element 'pfif:sex': [facet 'enumeration'] The value 'unknown'",
        ),
        (
            HEAD
            + OPEN
            + _person().replace(
                b"</pfif:full_name>", b"</pfif:full_name><pfif:full_name>Twice</pfif:full_name>"
            )
            + b"</pfif:pfif>",
            "Element 'pfif:full_name': this field appears more than once in its record.",
        ),
        (
            _person().join([b'<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.2">', b"</pfif:pfif>"]),
            "This is PFIF 1.2; Habeas reads PFIF 1.4 only.",
        ),
        (b"<people><person>Someone</person></people>", "the document is not PFIF 1.4"),
        (b"   ", "The file is empty."),
    ],
    ids=[
        "not-well-formed",
        "required-field",
        "bad-value",
        "field-twice",
        "pfif-1.2",
        "not-pfif",
        "empty",
    ],
)
def test_an_invalid_document_says_where_and_imports_nothing(alice, tmp_path, payload, said):
    path = tmp_path / "bad.xml"
    path.write_bytes(payload)
    with pytest.raises(CommandError) as error:
        _import(path)
    assert said in str(error.value)
    _nothing_imported()


def test_one_bad_record_imports_nothing_of_the_file(alice, tmp_path):
    future = SAMPLE.read_bytes().replace(b"2022-03-09T08:30:00Z", b"2099-03-09T08:30:00Z")
    path = tmp_path / "future.xml"
    path.write_bytes(future)
    with pytest.raises(CommandError) as error:
        _import(path)
    assert "note finder.example.org/note.7004" in str(error.value)
    assert "future" in str(error.value)
    _nothing_imported()


def test_a_note_about_an_unknown_person_is_named(alice, tmp_path):
    path = tmp_path / "orphan.xml"
    path.write_bytes(
        OPEN + b"<pfif:note><pfif:note_record_id>x.example.org/n.1</pfif:note_record_id>"
        b"<pfif:person_record_id>x.example.org/p.404</pfif:person_record_id>"
        b"<pfif:author_name>A</pfif:author_name><pfif:source_date>2022-01-01T00:00:00Z"
        b"</pfif:source_date><pfif:text>T</pfif:text></pfif:note></pfif:pfif>"
    )
    with pytest.raises(CommandError, match=r"x\.example\.org/p\.404, who is neither in this file"):
        _import(path)
    _nothing_imported()


def test_a_viewer_may_not_import(vera):
    with pytest.raises(CommandError, match="may not import"):
        _import(SAMPLE, user="vera")
    with pytest.raises(PermissionDenied):
        pfif_import(data=SAMPLE.read_bytes(), filename="x.xml", country="BY", by=vera)
    _nothing_imported()


def test_the_import_page_imports_and_shows_the_result(alice, login):
    client = login(alice)
    assert client.get(reverse("pfif_import")).status_code == 200
    with SAMPLE.open("rb") as upload:
        response = client.post(reverse("pfif_import"), {"file": upload, "country": "BY"})
    assert response.status_code == 302
    result = client.get(response["Location"])
    body = result.content.decode()
    assert "2 people and cases created" in body
    assert "other.example.com/person.88" in body and "Nothing was merged" in body
    assert Case.objects.count() == 2
    # Every case it opened, linked and named: the user need not hunt the case list.
    for record_id, name in (
        ("finder.example.org/person.4101", "Ales Vetrov"),
        ("finder.example.org/person.4102", "Maryna Kalina"),
    ):
        case = _case_of(record_id)
        assert f'<a href="{case.get_absolute_url()}">{case.reference}</a> {name}</li>' in body
    # The linked record is not here: nothing to decide, and the page says so.
    assert "check them and decide" not in body
    assert "nothing here to merge or decide" in body


def test_the_import_page_keeps_the_choice_and_names_the_line_of_a_bad_file(alice, login, tmp_path):
    bad = (
        HEAD + OPEN + b"\n<pfif:person><pfif:full_name>X</pfif:full_name></pfif:person></pfif:pfif>"
    )
    response = login(alice).post(
        reverse("pfif_import"), {"file": io.BytesIO(bad), "country": "BY"}, format="multipart"
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Line 3" in body and "person_record_id" in body
    assert "Nothing was imported." in body
    assert '<option value="BY" selected>' in body
    _nothing_imported()


def test_the_import_page_and_its_result_are_404_to_others(alice, vera, charlie, login, client):
    _import(SAMPLE)
    batch = PfifImport.objects.get()
    result = reverse("pfif_import_result", args=[batch.public_id])
    client.force_login(vera)
    assert client.get(reverse("pfif_import")).status_code == 404
    client.force_login(charlie)
    assert client.get(result).status_code == 404
    client.force_login(alice)
    assert client.get(result).status_code == 200


def test_a_duplicate_on_a_case_the_importer_cannot_see_is_not_named(
    alice, charlie, alices_case, login, tmp_path, settings
):
    settings.HABEAS_PFIF_DOMAIN = "rights.example.org"
    theirs = alices_case.people.get()  # alice's; charlie is not on her team
    linked = f"rights.example.org/person.{theirs.public_id}".encode()
    path = tmp_path / "link.xml"
    path.write_bytes(
        OPEN
        + _person(b"Someone Else").replace(
            b"</pfif:person>",
            b"<pfif:note><pfif:note_record_id>x.example.org/n.1</pfif:note_record_id>"
            b"<pfif:linked_person_record_id>" + linked + b"</pfif:linked_person_record_id>"
            b"<pfif:author_name>A</pfif:author_name><pfif:source_date>2022-01-02T00:00:00Z"
            b"</pfif:source_date><pfif:text>Same as theirs?</pfif:text></pfif:note></pfif:person>",
        )
        + b"</pfif:pfif>"
    )
    said = _import(path, user="charlie")
    assert PossibleDuplicate.objects.get().candidate == theirs  # known here...
    assert theirs.display_name not in said  # ...but not named to someone outside her team
    batch = PfifImport.objects.get()
    page = login(charlie).get(reverse("pfif_import_result", args=[batch.public_id]))
    assert linked.decode() in page.content.decode()
    assert theirs.display_name not in page.content.decode()


def test_another_team_importing_the_same_file_gets_its_own_cases(alice, charlie):
    _import(SAMPLE)
    said = _import(SAMPLE, user="charlie")
    assert "2 people and cases, 4 notes as claims; 0 records already imported" in said
    theirs = _case_of("finder.example.org/person.4101", user="charlie")
    assert theirs.members.get().user == charlie
    ours = _case_of("finder.example.org/person.4101")
    assert ours.members.get().user == alice
    # Charlie's reference says nothing of alice's import: the same form as any other,
    # no suffix, not derived from the record id (which anyone may know).
    assert re.fullmatch(r"PFIF-[0-9A-F]{10}", theirs.reference)
    assert re.fullmatch(r"PFIF-[0-9A-F]{10}", ours.reference)
    assert theirs.reference != ours.reference
    assert not AuditEntry.objects.filter(actor_id=charlie.pk, action="access.denied").exists()
    assert "0 people and cases, 0 notes as claims; 6 records already imported" in _import(
        SAMPLE, user="charlie"
    )


def _note(*fields: bytes) -> bytes:
    return b"<pfif:note>" + b"".join(fields) + b"</pfif:note>"


NOTE_ID = b"<pfif:note_record_id>x.example.org/n.1</pfif:note_record_id>"
NOTE_PERSON = b"<pfif:person_record_id>x.example.org/p.1</pfif:person_record_id>"
NOTE_REST = (
    b"<pfif:author_name>A</pfif:author_name>"
    b"<pfif:source_date>2022-01-02T00:00:00Z</pfif:source_date><pfif:text>T</pfif:text>"
)
PERSON_ID = b"<pfif:person_record_id>x.example.org/p.1</pfif:person_record_id>"


@pytest.mark.parametrize(
    ("payload", "said"),
    [
        (  # no person_record_id at all
            _person().replace(PERSON_ID, b""),
            "the required field pfif:person_record_id is missing",
        ),
        (  # a field twice
            _person().replace(
                b"</pfif:person>", b"<pfif:full_name>Other</pfif:full_name></pfif:person>"
            ),
            "Element 'pfif:full_name': this field appears more than once in its record.",
        ),
        (  # a note without its text
            _person().replace(
                b"</pfif:person>",
                _note(NOTE_ID, b"<pfif:source_date>2022-01-02T00:00:00Z</pfif:source_date>")
                + b"</pfif:person>",
            ),
            "the required field pfif:text is missing",
        ),
        (  # a status PFIF does not have
            _person().replace(
                b"</pfif:person>",
                _note(NOTE_ID, NOTE_REST, b"<pfif:status>believed_found</pfif:status>")
                + b"</pfif:person>",
            ),
            "Element 'pfif:status': [facet 'enumeration'] The value 'believed_found' is not "
            "an element of the set",
        ),
        (  # a record id without its domain
            _person(record=b"person.1"),
            "Element 'pfif:person_record_id': [facet 'pattern'] The value 'person.1'",
        ),
        (  # a date without its time and zone
            _person().replace(b"2022-01-01T00:00:00Z", b"2022-01-01"),
            "Element 'pfif:source_date': [facet 'pattern'] The value '2022-01-01'",
        ),
    ],
    ids=[
        "no-record-id",
        "field-twice",
        "note-without-text",
        "unknown-status",
        "id-without-domain",
        "date-without-time",
    ],
)
def test_the_schema_refuses_what_person_finders_validator_refuses(payload, said):
    with pytest.raises(DocumentError) as error:
        read(OPEN + payload + b"</pfif:pfif>")
    assert any(said in problem for problem in error.value.problems), error.value.problems
    assert all(problem.startswith("Line ") for problem in error.value.problems)


# Person Finder's own PFIF 1.4 test file (tests/test.pfif-1.4.xml in its repository)
# in shape, with data of our own: fields in no order, a note's record id after its
# other fields, a note inside its person without person_record_id, two without
# author_name, empty elements, names over two lines. Its validator checks order for
# PFIF 1.1 and 1.2 only, and Person Finder imports such notes (docs/pfif.md).
PERSON_FINDER_SHAPE = (
    OPEN
    + """
  <pfif:person>
    <pfif:author_email>mother@example.net</pfif:author_email>
    <pfif:author_name>Gulnara Berdyeva</pfif:author_name>
    <pfif:full_name>Merdan Berdyev
Мердан Бердыев</pfif:full_name>
    <pfif:sex>male</pfif:sex>
    <pfif:home_city>  Mary
    </pfif:home_city>
    <pfif:person_record_id>finder.example.org/person.7001</pfif:person_record_id>
    <pfif:source_date>2021-05-01T00:00:00Z</pfif:source_date>
    <pfif:entry_date>2021-05-01T08:00:00Z</pfif:entry_date>
    <pfif:note>
      <pfif:author_name>A neighbour</pfif:author_name>
      <pfif:email_of_found_person></pfif:email_of_found_person>
      <pfif:note_record_id>finder.example.org/note.7101</pfif:note_record_id>
      <pfif:text>Taken from the market by men in plain clothes.</pfif:text>
      <pfif:source_date>2021-05-02T10:00:00Z</pfif:source_date>
      <pfif:author_made_contact>false</pfif:author_made_contact>
    </pfif:note>
    <pfif:note>
      <pfif:author_email>cousin@example.net</pfif:author_email>
      <pfif:note_record_id>finder.example.org/note.7102</pfif:note_record_id>
      <pfif:text>Still no word.</pfif:text>
      <pfif:source_date>2021-06-01T10:00:00Z</pfif:source_date>
      <pfif:status>believed_missing</pfif:status>
    </pfif:note>
  </pfif:person>
</pfif:pfif>""".encode()
)


def test_a_document_in_person_finders_own_test_shape_imports(alice, tmp_path):
    path = tmp_path / "shape.xml"
    path.write_bytes(PERSON_FINDER_SHAPE)
    said = _import(path)
    assert "1 people and cases, 2 notes as claims" in said
    case = _case_of("finder.example.org/person.7001")
    person = case.people.get()
    assert person.display_name == "Merdan Berdyev Мердан Бердыев"
    statements = {c.statement.splitlines()[0]: c.source for c in Claim.objects.filter(case=case)}
    unnamed = statements["Still no word."]
    assert unnamed.identity == "" and "cousin@example.net" in unnamed.contact
    assert statements["Taken from the market by men in plain clothes."].identity == "A neighbour"


def test_a_file_larger_than_the_pfif_limit_is_refused_unread(
    alice, login, tmp_path, settings, monkeypatch
):
    settings.HABEAS_PFIF_MAX_BYTES = 1000
    big = HEAD + OPEN + _person() + b"<!--" + b"x" * 1000 + b"--></pfif:pfif>"
    said = "a PFIF file may be at most 0.000953674 MB"
    path = tmp_path / "big.xml"
    path.write_bytes(big)
    with pytest.raises(CommandError, match=said) as error:
        _import(path)
    assert "Nothing was imported." in str(error.value)
    with pytest.raises(DocumentError, match=said):
        read(big)
    parsed = []
    monkeypatch.setattr(services.pfif, "read", parsed.append)
    response = login(alice).post(
        reverse("pfif_import"), {"file": io.BytesIO(big), "country": "BY"}, format="multipart"
    )
    monkeypatch.undo()
    assert response.status_code == 400
    body = response.content.decode()
    assert said in body and '<option value="BY" selected>' in body
    assert parsed == []  # the page refused it by its size, unread
    _nothing_imported()
    settings.HABEAS_PFIF_MAX_BYTES = len(big)
    assert "1 people and cases" in _import(path)


def test_the_default_pfif_limit_is_ten_megabytes():
    from django.conf import settings

    assert settings.HABEAS_PFIF_MAX_BYTES == 10 * 1024 * 1024


def test_note_authors_are_known_by_a_keyed_hash_only(alice):
    import hashlib

    _import(SAMPLE)
    keys = set(PfifAuthor.objects.values_list("key", flat=True))
    olga = ("Olga Vetrova", "olga.vetrova@example.net", "+375 29 000 0001")
    plain = hashlib.sha256("\x1f".join(olga).encode()).hexdigest()
    assert keys and plain not in keys  # a database copy alone confirms nobody
    assert services.author_keys(*olga)[0] in keys


def test_the_migration_keys_the_hashes_written_before(alice, tmp_path):
    """Rows written with the unkeyed SHA-256 still find their author once migrated."""
    import hashlib
    import importlib

    from django.apps import apps

    migration = importlib.import_module("habeas.pfif.migrations.0003_author_keys_keyed")
    _import(SAMPLE)
    olga = ("Olga Vetrova", "olga.vetrova@example.net", "+375 29 000 0001")
    row = PfifAuthor.objects.get(key=services.author_keys(*olga)[0])
    row.key = hashlib.sha256("\x1f".join(olga).encode()).hexdigest()  # as before
    row.save()
    migration.key_the_author_hashes(apps, None)
    row.refresh_from_db()
    assert row.key == services.author_keys(*olga)[0]


def test_the_file_name_is_sealed_and_the_migration_seals_those_kept_in_clear(alice):
    import importlib

    from django.apps import apps
    from django.db import connection

    _import(SAMPLE)
    batch = PfifImport.objects.get()
    with connection.cursor() as cursor:
        cursor.execute("SELECT filename FROM pfif_pfifimport")
        (stored,) = cursor.fetchone()
    assert "person-finder-sample" not in stored
    assert PfifImport.objects.get().filename == "person-finder-sample.xml"
    with connection.cursor() as cursor:
        cursor.execute("UPDATE pfif_pfifimport SET filename = %s", ["old-list.xml"])
    migration = importlib.import_module("habeas.pfif.migrations.0004_filename_sealed")

    class Editor:
        quote_name = staticmethod(connection.ops.quote_name)

    Editor.connection = connection
    migration.seal_the_names_kept_in_clear(apps, Editor())
    with connection.cursor() as cursor:
        cursor.execute("SELECT filename FROM pfif_pfifimport")
        (stored,) = cursor.fetchone()
    assert "old-list" not in stored
    assert PfifImport.objects.get(pk=batch.pk).filename == "old-list.xml"
