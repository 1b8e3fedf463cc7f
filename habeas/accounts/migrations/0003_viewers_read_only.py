"""Viewers became read-only everywhere: their case memberships become read-only
(a viewer who led a case stays on it, read-only; administrators manage its team)."""

from django.db import migrations


def viewers_read_only(apps, schema_editor):
    CaseMember = apps.get_model("cases", "CaseMember")
    CaseMember.objects.filter(user__role="viewer").exclude(role="read_only").update(
        role="read_only"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_security"),
        ("cases", "0007_open_cases_urgency_index"),
    ]

    operations = [migrations.RunPython(viewers_read_only, migrations.RunPython.noop)]
