"""Data only: fill `Case.un_submitted_on` (added by 0022) for cases already submitted
to the UN Working Group, urgent or standard procedure, sent from Habeas or recorded
as sent outside it: the first day one went out. From now on the advocacy services
keep it. Only the case row: a derived column is not a change anyone made, so no
history row is written (history.IGNORED).

The schema change is a separate migration: PostgreSQL refuses to ALTER a table with
pending trigger events in the same transaction.
"""

from django.db import migrations
from django.db.models import Min

# Intervention.CASE_SUBMISSION_KINDS as of this migration.
CASE_SUBMISSION_KINDS = ("wgeid_urgent", "wgeid_standard")


def forwards(apps, schema_editor):
    db = schema_editor.connection.alias
    Case = apps.get_model("cases", "Case")
    Intervention = apps.get_model("advocacy", "Intervention")
    first = (
        Intervention.objects.using(db)
        .filter(kind__in=CASE_SUBMISSION_KINDS, sent_on__isnull=False)
        .values("case_id")
        .annotate(first=Min("sent_on"))
        .values_list("case_id", "first")
    )
    for case_id, day in first:
        Case.objects.using(db).filter(pk=case_id).update(un_submitted_on=day)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0022_case_un_submitted_on"),
        ("advocacy", "0005_intervention_sent_outside"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
