"""``{{ user|person_name }}``: a user's name in Vietnamese order, family name first, or the
linked member's full name (members/names.py). ``{% load person_names %}``."""

from django import template

from members.names import person_name as _person_name

register = template.Library()


@register.filter
def person_name(user) -> str:
    """The name to print for a user account ("" for none): see ``members.names.person_name``."""
    return _person_name(user or None)
