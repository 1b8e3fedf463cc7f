"""Filters any page may use. The clocks of a case are the cases app's
(`{% load case_clocks %}`)."""

from django import template
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def days(value) -> str:
    if value is None:
        return "—"
    return ngettext("%(n)d day", "%(n)d days", value) % {"n": value}


@register.filter
def pair(first, second) -> tuple:
    return (first, second)
