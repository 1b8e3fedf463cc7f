"""The import's fragment of the case page: which file a case came from (the sanctioned
way an upper app adds to a lower app's page: docs/architecture.md, "Layers")."""

from __future__ import annotations

from django import template

from habeas.imports.selectors import case_provenance

register = template.Library()


@register.inclusion_tag("imports/_case_provenance.html")
def case_imported_from(case):
    """ "Imported from a file on 7 Dec 2026 by alice, row 12": for a case the page has
    opened through the access door. The file's name is not shown (it could name a
    source); its SHA-256 finds the file in the organisation's archive."""
    return {"provenance": case_provenance(case=case)}
