"""Data only: "last contact: with whom" was free text, shown to every member of the
case, and it is where a caseworker types the real name of the person who got the
last message (first-use review, bug 6). That text moves into a source of the case,
under a code name, as the source's identity (sealed, read only with the source
grant), and the case links that source as its last contact. The case's history
rows lose the text: they would otherwise keep it readable in clear to the whole
team after the column is gone from the case (0021 drops it). Earlier texts found
only in the history are kept in the new source's confidential notes.

Sealing follows sources 0003/0007: the values are set on the rows and sealed on
save by the encrypted field, under the active key of settings.HABEAS_KEYRING and
bound to the row's public_id; the history row of the new source holds them sealed
too. The schema change is a separate migration: PostgreSQL refuses to ALTER a
table with pending trigger events in the same transaction.
"""

from django.db import migrations
from django.utils import timezone

CODE_NAME = "LAST-CONTACT"
REASON = "Moved from the case's free-text 'last contact: with whom' (its history blanked)"


def _code_name(Source, case_id, db):
    taken = set(
        Source.objects.using(db).filter(case_id=case_id).values_list("code_name", flat=True)
    )
    name, n = CODE_NAME, 1
    while name in taken:
        n += 1
        name = f"{CODE_NAME}-{n}"
    return name


def _history_row(historical, instance, when, reason):
    fields = [f.attname for f in instance._meta.concrete_fields]
    return historical(
        # vars(): values as loaded (sealed ones stay sealed, re-sealed for the row).
        **{attname: vars(instance)[attname] for attname in fields},
        history_date=when,
        history_type="~" if historical._meta.model_name == "historicalcase" else "+",
        history_change_reason=reason,
    )


def forwards(apps, schema_editor):
    db = schema_editor.connection.alias
    Case = apps.get_model("cases", "Case")
    HistoricalCase = apps.get_model("cases", "HistoricalCase")
    Source = apps.get_model("sources", "Source")
    HistoricalSource = apps.get_model("sources", "HistoricalSource")
    now = timezone.now()

    earlier = {}  # case id -> texts found in its history, oldest first
    for case_id, text in (
        HistoricalCase.objects.using(db)
        .exclude(last_contact_with="")
        .order_by("history_date", "history_id")
        .values_list("id", "last_contact_with")
    ):
        texts = earlier.setdefault(case_id, [])
        if text not in texts:
            texts.append(text)
    with_text = set(
        Case.objects.using(db).exclude(last_contact_with="").values_list("pk", flat=True)
    )

    for case in Case.objects.using(db).filter(pk__in=with_text | set(earlier)).order_by("pk"):
        current = case.last_contact_with.strip()
        others = [t for t in earlier.get(case.pk, []) if t.strip() and t.strip() != current]
        if not current and not others:
            continue
        source = Source(
            case_id=case.pk,
            code_name=_code_name(Source, case.pk, db),
            kind="witness",
            identity=current or others[-1],
            notes=(
                "Earlier text of 'last contact: with whom' (from the case's history):\n"
                + "\n".join(others)
                if others and current
                else ""
            ),
        )
        source.save(using=db)
        _history_row(HistoricalSource, source, now, REASON).save(using=db)
        if current and case.last_contact_source_id is None:
            Case.objects.using(db).filter(pk=case.pk).update(last_contact_source_id=source.pk)
            case.refresh_from_db(using=db)
            row = _history_row(HistoricalCase, case, now, REASON)
            row.last_contact_with = ""
            row.save(using=db)

    # Blanked last: the rows above were written from the text still in place.
    HistoricalCase.objects.using(db).exclude(last_contact_with="").update(last_contact_with="")
    Case.objects.using(db).exclude(last_contact_with="").update(last_contact_with="")


def backwards(apps, schema_editor):
    """The link's source identity back into the text (the history stays blank)."""
    db = schema_editor.connection.alias
    Case = apps.get_model("cases", "Case")
    for case in (
        Case.objects.using(db)
        .filter(last_contact_source__code_name__startswith=CODE_NAME)
        .select_related("last_contact_source")
    ):
        Case.objects.using(db).filter(pk=case.pk).update(
            last_contact_with=(case.last_contact_source.identity or "")[:300]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0019_search_steps_filled"),
        ("sources", "0013_claim_dated_on_filled"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
