"""The clocks of a case (days since the disappearance, since the last news, left
in the urgent window), shown the same wherever a case is shown."""

from datetime import date

from django import template

from habeas.core.templatetags.habeas import days

register = template.Library()


@register.inclusion_tag("cases/_counters.html")
def counters(case, today: date):
    """The three clocks of a case, the same wherever the case is shown."""
    return {
        "case": case,
        "days_disappeared": case.days_disappeared(today),
        "days_since_info": case.days_since_info(today),
        "window_days_left": case.urgent_window_days_left(today),
    }


@register.filter
def days_gone(case, today: date) -> str:
    return days(case.days_disappeared(today))


@register.filter
def days_silent(case, today: date) -> str:
    return days(case.days_since_info(today))


@register.filter
def window_left(case, today: date) -> str:
    left = case.urgent_window_days_left(today)
    if left is None:
        return "no date"
    if left < 0:
        return "closed"
    return days(left)
