"""The commune staff's search of their people's accounts (members/views/accounts.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class AccountSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or username"), required=False, max_length=100)
