"""Existing relatives get the case they were recorded on; existing people, names and
relatives get the first row of their history.

Which case: the person's earliest (first created). Relatives were recorded before a
person could have a second case (another case for a known person came later), so the
first case's team is the one that recorded them, and the contacts stay with the
grant its leads gave. Any later case may have been opened by someone who never held
that grant (security review H1): giving it the relatives would hand them over.

The baseline rows hold each record as it stands today, so that the first change
made after this migration shows what it replaced. Sealed values (relatives'
contacts) are copied sealed: the history row keeps the relative's public_id, which
is what the value is bound to.
"""

from django.db import migrations
from django.utils import timezone

BASELINE = "As recorded when its history began"


def fill_cases(apps, schema_editor):
    Relative = apps.get_model("cases", "Relative")
    Case = apps.get_model("cases", "Case")
    first_case = {}
    for relative in Relative.objects.filter(case__isnull=True).only("pk", "person_id"):
        person_id = relative.person_id
        if person_id not in first_case:
            first_case[person_id] = (
                Case.objects.filter(people=person_id)
                .order_by("created_at", "pk")
                .values_list("pk", flat=True)
                .first()
            )
        if first_case[person_id] is not None:
            Relative.objects.filter(pk=relative.pk).update(case_id=first_case[person_id])


def baseline(apps, schema_editor):
    now = timezone.now()
    for name in ("Person", "PersonName", "Relative"):
        model = apps.get_model("cases", name)
        historical = apps.get_model("cases", f"Historical{name}")
        if historical.objects.exists():
            continue  # already has a history: nothing to start
        fields = [f.attname for f in model._meta.concrete_fields]
        rows = [
            historical(
                # vars(): the values as loaded, so a contact stays sealed (re-sealed
                # for the history row on save, never decrypted here).
                **{attname: vars(obj)[attname] for attname in fields},
                history_date=now,
                history_type="+",
                history_change_reason=BASELINE,
            )
            for obj in model.objects.iterator(chunk_size=2000)
        ]
        historical.objects.bulk_create(rows, batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0011_relative_case_and_person_history"),
    ]

    operations = [
        migrations.RunPython(fill_cases, migrations.RunPython.noop),
        migrations.RunPython(baseline, migrations.RunPython.noop),
    ]
