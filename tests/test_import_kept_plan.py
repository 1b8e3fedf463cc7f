"""The dry run's plan is kept (habeas.imports.kept) for the report's pages and for the
commit, so a file is planned once, not once per page and again for the import. The
commit reuses it only while nothing it read has changed: another mapping, a case or
a name added meanwhile, a reference taken, and the commit plans again (or refuses),
so it never writes what a fresh plan would refuse. Kept sealed, like the upload,
readable only by its uploader, and removed with the upload."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from habeas.cases import services as cases
from habeas.cases.models import Case, Person, Status
from habeas.imports import kept, plan, storage
from habeas.imports.models import ImportBatch, ImportUpload
from habeas.imports.reading import read_table
from habeas.lib.partialdate import PartialDate
from tests.support.imports import GOOD, HEADER, MAPPING, _text, _to_dry_run


@pytest.fixture
def planned(monkeypatch):
    """Counts the plans built (the one function that reads every row of a file)."""
    calls = []
    real = plan.import_plan_build

    def counting(**kwargs):
        calls.append(kwargs["mapping"])
        return real(**kwargs)

    monkeypatch.setattr("habeas.imports.selectors.import_plan_build", counting)
    return calls


# Born and gone on dates of their own: "Name11" reads as "Name1" in the name keys
# (doubled letters are one), and with a date in common they would be a repeat of a row
# (plan._InFile).
MANY = HEADER + "".join(
    f"K-{i},Name{i} Surname{i},{1880 + i},2020-{1 + i // 28:02d}-{1 + i % 28:02d},TM\n"
    for i in range(120)
)


def test_the_report_pages_and_the_commit_plan_the_file_once(
    client, alice, planned, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    upload_id = _to_dry_run(client, MANY)
    for url in ("", "?show=all", "?show=all&page=2", "?show=all&page=3", "?show=refused"):
        assert client.get(f"/import/{upload_id}/dry-run/{url}").status_code == 200
    last = client.get(f"/import/{upload_id}/dry-run/?show=all&page=3")
    assert "Name119 Surname119" in _text(last)
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(f"/import/{upload_id}/import/", {"what": "all"})
    assert done.status_code == 302 and done["Location"].startswith("/import/done/")
    assert len(planned) == 1
    assert Case.objects.filter(reference__startswith="K-").count() == 120
    # Removed with the upload: nothing of the file is left in the files directory.
    assert not any(storage.store_dir().iterdir())


def test_the_kept_plan_is_sealed_and_bound_to_its_user_and_mapping(client, alice, bob):
    client.force_login(alice)
    upload_id = _to_dry_run(client, GOOD)
    client.get(f"/import/{upload_id}/dry-run/")
    upload = ImportUpload.objects.get(public_id=upload_id)
    sealed = storage.plan_path_of(upload.public_id).read_bytes()
    assert "Ходжаев".encode() not in sealed and b"Isakov" not in sealed
    mapping = {int(k.split("_")[1]): v for k, v in MAPPING.items()}
    found = kept.read(upload=upload, user=alice, mapping=mapping)
    assert found is not None and [row.name for row in found[1].rows][1] == "Мерет Ходжаев"
    assert kept.read(upload=upload, user=bob, mapping=mapping) is None
    assert kept.read(upload=upload, user=alice, mapping={**mapping, 2: ""}) is None


def test_a_plan_round_trips_whole(alice):
    """Everything a plan holds comes back equal (a new kind of value in it would be
    refused by the reader and the plan built again every time: this says so)."""
    body = HEADER + "R-1,Azat Isakov; Азат Исаков,около 1990,октябрь 2021,TM\nR-2,,x,2099,ZZ\n"
    upload = ImportUpload.objects.create(
        filename="f.csv", sha256="0" * 64, size=len(body), created_by=alice
    )
    mapping = {0: "reference", 1: "name", 2: "birth_date", 3: "disappeared_on", 4: "country"}
    built = plan.import_plan_build(
        table=read_table(body.encode(), "f.csv"), mapping=mapping, user=alice
    )
    assert isinstance(built.rows[0].values["person"]["birth_date"], PartialDate)
    built.rows[0].values["status"] = {"status": Status.RELEASED}  # choices come back too
    kept.keep(upload=upload, user=alice, mapping=mapping, plan=built, stamp=["s"])
    assert kept.read(upload=upload, user=alice, mapping=mapping) == (["s"], built)
    # Nothing but a plan's own values is read back: a function would be code to run.
    built.rows[0].values["status"] = {"call": print}
    kept.keep(upload=upload, user=alice, mapping=mapping, plan=built, stamp=["s"])
    assert kept.read(upload=upload, user=alice, mapping=mapping) is None


def test_a_new_mapping_is_planned_again(client, alice, planned):
    client.force_login(alice)
    upload_id = _to_dry_run(client, GOOD)
    client.get(f"/import/{upload_id}/dry-run/")
    # The birth date column now left out.
    client.post(f"/import/{upload_id}/", {**MAPPING, "column_2": ""})
    client.get(f"/import/{upload_id}/dry-run/")
    assert client.post(f"/import/{upload_id}/import/", {"what": "all"}).status_code == 302
    assert len(planned) == 2
    assert Case.objects.get(reference="IMP-1").people.get().birth_date is None


def test_a_person_recorded_meanwhile_makes_the_commit_ask_again(client, alice, planned):
    client.force_login(alice)
    upload_id = _to_dry_run(client, GOOD)
    assert "Would be created 3" in _text(client.get(f"/import/{upload_id}/dry-run/"))
    # Meanwhile a colleague records Azat Isakov on a case Alice is on.
    person = cases.person_create(
        name="Azat Isakov", birth_date=PartialDate.parse("1990-03-14"), by=alice
    )
    cases.case_create(reference="OLD-1", person=person, country="TM", by=alice)
    refused = client.post(f"/import/{upload_id}/import/", {"what": "all"})
    assert refused["Location"] == f"/import/{upload_id}/dry-run/"
    assert not ImportBatch.objects.exists() and Person.objects.count() == 1
    assert len(planned) == 2  # planned again, and kept: the report now says so
    page = _text(client.get(f"/import/{upload_id}/dry-run/"))
    assert "Possible duplicates 1" in page or "possibly someone already recorded" in page
    assert len(planned) == 2
    # Importing the valid rows skips the undecided duplicate: never a second record.
    client.post(f"/import/{upload_id}/import/", {"what": "valid"})
    assert Person.objects.filter(names__text="Azat Isakov").count() == 1
    assert Case.objects.filter(reference__in=["IMP-2", "IMP-3"]).count() == 2


def test_a_reference_taken_meanwhile_is_caught(client, alice):
    client.force_login(alice)
    upload_id = _to_dry_run(client, GOOD)
    client.get(f"/import/{upload_id}/dry-run/")
    person = cases.person_create(name="Someone Else", by=alice)
    cases.case_create(reference="imp-2", person=person, country="TM", by=alice)
    client.post(f"/import/{upload_id}/import/", {"what": "all"})
    assert not ImportBatch.objects.exists()
    assert not Case.objects.filter(reference__in=["IMP-1", "IMP-3"]).exists()


def test_decisions_changed_after_the_dry_run_are_the_ones_applied(client, alice, planned):
    person = cases.person_create(
        name="Azat Isakov", birth_date=PartialDate.parse("1990-03-14"), by=alice
    )
    cases.case_create(reference="OLD-1", person=person, country="TM", by=alice)
    client.force_login(alice)
    upload_id = _to_dry_run(client, GOOD)
    client.get(f"/import/{upload_id}/dry-run/")
    client.post(f"/import/{upload_id}/dry-run/", {"row_2": "new"})
    client.post(f"/import/{upload_id}/dry-run/", {"row_2": "skip"})
    client.post(f"/import/{upload_id}/import/", {"what": "all"})
    batch = ImportBatch.objects.get()
    assert (batch.created, batch.skipped) == (2, 1)
    assert Person.objects.filter(names__text="Azat Isakov").count() == 1
    assert len(planned) == 1


def _command(*args: str) -> str:
    out = io.StringIO()
    call_command("import", "cases", *args, stdout=out)
    return out.getvalue()


def test_the_command_imports_with_the_plan_its_dry_run_kept(
    tmp_path, alice, planned, django_capture_on_commit_callbacks
):
    sheet = tmp_path / "cases.csv"
    sheet.write_text(GOOD, encoding="utf-8")
    assert "3 to create" in _command(str(sheet), "--as", alice.username, "--dry-run")
    assert ImportUpload.objects.filter(created_by=alice).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert "3 new cases" in _command(str(sheet), "--as", alice.username)
    assert len(planned) == 1
    # The upload and its plan went with the commit.
    assert not ImportUpload.objects.exists() and not any(storage.store_dir().iterdir())
    # Again: nothing kept, planned afresh, every row already imported.
    assert "3 already imported" in _command(str(sheet), "--as", alice.username)


def test_the_command_plans_again_when_a_case_was_opened_meanwhile(tmp_path, alice, planned):
    sheet = tmp_path / "cases.csv"
    sheet.write_text(GOOD, encoding="utf-8")
    _command(str(sheet), "--as", alice.username, "--dry-run")
    person = cases.person_create(
        name="Azat Isakov", birth_date=PartialDate.parse("1990-03-14"), by=alice
    )
    cases.case_create(reference="OLD-1", person=person, country="TM", by=alice)
    said = _command(str(sheet), "--as", alice.username)
    assert len(planned) == 2
    assert "possible duplicate" in said and "2 new cases" in said
    assert Person.objects.filter(names__text="Azat Isakov").count() == 1


def test_another_users_dry_run_is_not_reused(tmp_path, alice, bob, planned):
    sheet = tmp_path / "cases.csv"
    sheet.write_text(GOOD, encoding="utf-8")
    _command(str(sheet), "--as", alice.username, "--dry-run")
    _command(str(sheet), "--as", bob.username)
    assert len(planned) == 2
    assert Case.objects.get(reference="IMP-1").created_by == bob
