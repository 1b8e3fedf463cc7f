from django import template

register = template.Library()


@register.simple_tag
def days_disappeared(profile, today):
    return profile.days_disappeared(today)
