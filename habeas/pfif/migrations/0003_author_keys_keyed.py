"""PfifAuthor.key was the unkeyed SHA-256 of a note author's name, e-mail and phone:
with a copy of the database and the public notes (or a list of suspects), anyone could
confirm who speaks on which case. It becomes HMAC-SHA-256 of that SHA-256 under a key
derived from the key ring (habeas.pfif.services.author_keys), computed here from the
stored hash itself: the words are not needed, and not kept."""

import hashlib
import hmac

from django.db import migrations

AUTHOR_PURPOSE = "pfif-author-v1"  # as habeas.pfif.services.AUTHOR_PURPOSE


def key_the_author_hashes(apps, schema_editor):
    from habeas.core.encryption import keyring

    author = apps.get_model("pfif", "PfifAuthor")
    if not author.objects.exists():
        return
    key = keyring().derive(AUTHOR_PURPOSE)
    for row in author.objects.only("id", "key").iterator():
        row.key = hmac.new(key, row.key.encode(), hashlib.sha256).hexdigest()
        row.save(update_fields=["key"])


class Migration(migrations.Migration):
    dependencies = [
        ("pfif", "0002_record_once_per_case"),
    ]

    operations = [
        migrations.RunPython(key_the_author_hashes, migrations.RunPython.noop),
    ]
