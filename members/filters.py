import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Member, MemberStatus


class MemberFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name"), method="filter_name")
    branch = django_filters.ModelChoiceFilter(label=_("Branch"), queryset=None, empty_label=_("All branches"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=MemberStatus.choices, empty_label=_("All"))
    exempt = django_filters.BooleanFilter(
        label=_("Exempt from meetings"),
        field_name="exempt_since",
        lookup_expr="isnull",
        exclude=True,
        widget=forms.Select(choices=[("", _("All")), ("true", _("Exempt")), ("false", _("Not exempt"))]),
    )
    left = django_filters.ChoiceFilter(
        label=_("Left"),
        method="filter_left",
        choices=[("current", _("Current members")), ("left", _("Have left")), ("all", _("All"))],
        empty_label=None,
    )

    class Meta:
        model = Member
        fields = ["q", "branch", "status", "exempt", "left"]

    def __init__(self, data=None, *args, branches, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["branch"].queryset = branches
        # Bootstrap's classes on the widgets: the list page renders these fields with the light
        # templates/_filter_field.html rather than crispy's (a quarter of the page's time).
        for field in self.form.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def filter_name(self, queryset, name, value):
        return queryset.search(value)

    def filter_left(self, queryset, name, value):
        if value == "left":
            return queryset.filter(left_on__isnull=False)
        if value == "all":
            return queryset
        return queryset.filter(left_on__isnull=True)

    @property
    def qs(self):
        qs = super().qs
        # Current members unless asked otherwise (the choice filter has no empty value).
        if not self.form.cleaned_data.get("left"):
            qs = qs.filter(left_on__isnull=True)
        return qs
