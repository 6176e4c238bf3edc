"""ResetCode and AccountEvent now belong to the accounts app (accounts 0001), which keeps their
tables: they leave members' state only; the database is not touched."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0011_guard_default_manager"),
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="AccountEvent"),
                migrations.DeleteModel(name="ResetCode"),
            ],
            database_operations=[],
        ),
    ]
