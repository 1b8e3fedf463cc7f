"""The publication form offers for "also written" only spellings of the person's
name, never an alias or nickname (a name used in hiding or online) nor a
misspelling a source used (adversarial review of issue 13)."""

from __future__ import annotations

from django.urls import reverse

from habeas.cases import services as cases
from habeas.cases.models import PersonName


def test_only_spellings_of_the_name_are_offered_for_publication(alice, alices_case, login):
    person = alices_case.people.first()
    for text, kind in (
        ("ALIAS-IN-HIDING", PersonName.Kind.ALIAS),
        ("MISSPELT-IN-A-MESSAGE", PersonName.Kind.MISSPELLING),
        ("EXPECTED-SPELLING", PersonName.Kind.EXPECTED),
        ("BORN-AS", PersonName.Kind.BIRTH),
        ("ON-THE-PASSPORT", PersonName.Kind.OFFICIAL),
        ("AS-REPORTED", PersonName.Kind.REPORTED),
        ("TRANSLITERATED", PersonName.Kind.TRANSLITERATION),
    ):
        cases.person_name_add(person=person, text=text, kind=kind, by=alice)
    page = login(alice).get(reverse("publication_edit", args=[alices_case.public_id]))
    offered = page.context["forms"][0]["name_variants"].value()
    for kept in ("BORN-AS", "ON-THE-PASSPORT", "AS-REPORTED", "TRANSLITERATED"):
        assert kept in offered
    for left in ("ALIAS-IN-HIDING", "MISSPELT-IN-A-MESSAGE", "EXPECTED-SPELLING"):
        assert left not in offered
