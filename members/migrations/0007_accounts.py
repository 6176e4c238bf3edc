"""Issue 11 (logging in): one-time password reset codes issued by commune staff (a hash only),
and the audit of account events (lockouts, unlocks, resets, two-factor changes)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0006_access_log_pages_card_conflicts"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AccountEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("locked_out", "Locked out after failed logins"),
                            ("unlocked", "Unlocked"),
                            ("reset_code_issued", "Reset code issued"),
                            ("reset_code_used", "Password set with a reset code"),
                            ("reset_email_sent", "Reset link sent by email"),
                            ("reset_by_email", "Password set with an emailed link"),
                            ("two_factor_on", "Two-factor turned on"),
                            ("two_factor_off", "Two-factor turned off"),
                            ("recovery_codes", "New recovery codes"),
                        ],
                        max_length=20,
                        verbose_name="event",
                    ),
                ),
                ("at", models.DateTimeField(db_index=True)),
                (
                    "actor",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "account event",
                "verbose_name_plural": "account events",
                "ordering": ["-at"],
            },
        ),
        migrations.CreateModel(
            name="ResetCode",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("digest", models.CharField(max_length=64, unique=True)),
                ("issued_at", models.DateTimeField()),
                ("expires_at", models.DateTimeField()),
                ("used_at", models.DateTimeField(blank=True, null=True)),
                (
                    "issued_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "verbose_name": "password reset code",
                "verbose_name_plural": "password reset codes",
            },
        ),
    ]
