from django.db import migrations


def record_seal_start(apps, schema_editor):
    """Logs sealed before the key file recorded where the seal starts: record it
    now (see 0003 and habeas.audit.seal.start_record)."""
    from habeas.audit import seal

    head = apps.get_model("audit", "AuditHead").objects.filter(pk=1).first()
    seal.start_record(head.sealed_from if head is not None else 1)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_daily_head_export"),
    ]

    operations = [
        migrations.RunPython(record_seal_start, migrations.RunPython.noop),
    ]
