# Data only. Rebuilds the search keys of every name (cases.NameToken) with the rules
# of habeas.lib.names at the time this runs: names are now indexed under every
# reading of each word (ё as e and yo, German j/ch/z, Kyrgyz "Бакыт уулу" as
# Bakytov), not only the primary key. Re-run the same code (or a copy of this
# migration) whenever those rules change.

from django.db import migrations

from habeas.lib.names import index_terms

BATCH = 2000


def reindex(apps, schema_editor):
    using = schema_editor.connection.alias
    PersonName = apps.get_model("cases", "PersonName")
    NameToken = apps.get_model("cases", "NameToken")
    NameToken.objects.using(using).all().delete()
    rows = []
    names = PersonName.objects.using(using).values_list("pk", "person_id", "text")
    for name_id, person_id, text in names.iterator(chunk_size=BATCH):
        rows += [
            NameToken(person_id=person_id, name_id=name_id, key=key[:64], skeleton=skeleton[:64])
            for key, skeleton in index_terms(text)
        ]
        if len(rows) >= BATCH:
            NameToken.objects.using(using).bulk_create(rows)
            rows = []
    NameToken.objects.using(using).bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0009_history_notes"),
    ]

    operations = [
        # Backwards: the extra rows are harmless to the older search, which matches
        # on the primary keys they include.
        migrations.RunPython(reindex, migrations.RunPython.noop),
    ]
