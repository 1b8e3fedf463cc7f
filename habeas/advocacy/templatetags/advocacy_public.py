from datetime import date

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from habeas.advocacy.publication import DaysGone, days_gone
from habeas.lib.partialdate import PartialDate, Precision

register = template.Library()

# What an HTML <time datetime> can say of each precision; an approximate date or a
# range has no such form, and is shown as text only.
_MACHINE = {Precision.MINUTE: "%Y-%m-%d", Precision.DAY: "%Y-%m-%d", Precision.MONTH: "%Y-%m"}


@register.simple_tag
def disappeared_counter(profile, today: date) -> DaysGone | None:
    return days_gone(profile.disappeared_on, today)


@register.simple_tag
def public_date(value: PartialDate | None) -> SafeString | str:
    """A date exactly as precise as it is stored ("Oct 2021"), in a <time> element
    when HTML can say it."""
    if value is None:
        return ""
    if value.approximate or value.precision not in (*_MACHINE, Precision.YEAR):
        return format_html('<span class="date">{}</span>', str(value))
    machine = str(value.lo.year) if value.precision is Precision.YEAR else None
    machine = machine or value.lo.strftime(_MACHINE[value.precision])
    return format_html('<time datetime="{}">{}</time>', machine, str(value))
