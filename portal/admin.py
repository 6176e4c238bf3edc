"""The organisation admin (members') saves a commune with what the apps above give it.

members cannot import petitions, so portal, which may import both, registers the admin again
with one addition: a node saved as a commune gets its default catalogue (portal.services).
"""

from django.contrib import admin

from members.admin import OrganizationAdmin
from members.models import Organization
from portal.services import organization_started


class CommuneOrganizationAdmin(OrganizationAdmin):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        organization_started(organization=obj)


admin.site.unregister(Organization)
admin.site.register(Organization, CommuneOrganizationAdmin)
