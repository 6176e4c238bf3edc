"""Recovery codes kept hashed (issue 21): django-otp's StaticToken held them in plaintext, readable
in /admin/ and in the database. Each stored code is replaced by its keyed hash
(accounts.models.recovery_code_digest, copied here as it stood), and the static devices are now
read through the proxy RecoveryCodes, which hashes what is typed before looking it up.

Reverse: the plaintext cannot be recovered, and the code from before this migration would take a
stored hash itself for a valid code. Going back therefore deletes every recovery code; each user
makes new ones on their account page (their authenticator keeps working)."""

import hashlib
import hmac

from django.conf import settings
from django.db import migrations


def _digest(code: str) -> str:
    typed = "".join(ch for ch in code.lower() if ch.isalnum())
    return hmac.new(settings.SECRET_KEY.encode(), ("recovery:" + typed).encode(), hashlib.sha256).hexdigest()[:16]


def hash_codes(apps, schema_editor):
    StaticToken = apps.get_model("otp_static", "StaticToken")
    rows = list(StaticToken.objects.all())
    for row in rows:
        row.token = _digest(row.token)
    StaticToken.objects.bulk_update(rows, ["token"], batch_size=1000)


def delete_codes(apps, schema_editor):
    apps.get_model("otp_static", "StaticToken").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_enrolment_codes"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [
        migrations.CreateModel(
            name="RecoveryCodes",
            fields=[],
            options={
                "verbose_name": "recovery codes",
                "verbose_name_plural": "recovery codes",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("otp_static.staticdevice",),
        ),
        migrations.RunPython(hash_codes, delete_codes),
    ]
