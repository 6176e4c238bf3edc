from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .organizations import Organization


class ImportBatch(models.Model):
    """An uploaded member list awaiting confirmation.

    The preview shows ``rows`` (parsed values and errors per row); confirming
    imports the valid rows once: the status moves from pending to done
    atomically, so a double submit imports nothing the second time.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting confirmation")
        DONE = "done", _("Imported")

    branch = models.ForeignKey(Organization, verbose_name=_("branch"), on_delete=models.CASCADE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(_("file"), max_length=200)
    rows = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("member import")
        verbose_name_plural = _("member imports")

    def __str__(self):
        return self.filename
