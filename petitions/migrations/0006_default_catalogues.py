"""Give every commune that has no petition categories (or bodies) the defaults.

Opening a commune's catalogue or record form used to create them on the first GET; now a commune
gets them when it is created (portal.services) or on the first write, and this migration gives
them to the communes that have none yet. The lists are copied here as they stood: a migration
must not change when petitions.models.DEFAULT_* do.
"""

from django.db import migrations

CATEGORIES = (
    ("Giao thông – đường sá", 15),
    ("Nông nghiệp – cơ cấu cây trồng", 15),
    ("Môi trường – vệ sinh", 10),
    ("Nước sạch", 10),
    ("Đất đai", 15),
    ("An sinh xã hội", 10),
    ("An ninh trật tự", 10),
    ("Y tế – giáo dục", 10),
    ("Khác", 15),
)
BODIES = (
    ("Đảng ủy", "party"),
    ("HĐND", "council"),
    ("UBND", "committee"),
    ("Ủy ban MTTQ Việt Nam", "front"),
    ("Hội Nông dân", "mass"),
    ("Hội Liên hiệp Phụ nữ", "mass"),
    ("Đoàn Thanh niên", "mass"),
    ("Hội Cựu chiến binh", "mass"),
    ("Văn phòng HĐND và UBND", "office"),
    ("Phòng Kinh tế", "office"),
    ("Phòng Văn hóa – Xã hội", "office"),
)
PARTY_PREFIX = "Đảng bộ "


def create_defaults(apps, schema_editor):
    Organization = apps.get_model("members", "Organization")
    Category = apps.get_model("petitions", "Category")
    Body = apps.get_model("petitions", "Body")
    with_categories = set(Category.objects.values_list("commune_id", flat=True))
    with_bodies = set(Body.objects.values_list("commune_id", flat=True))
    categories, bodies = [], []
    for commune in Organization.objects.filter(kind="commune").only("pk", "name"):
        if commune.pk not in with_categories:
            categories += [
                Category(commune_id=commune.pk, name=name, default_days=days, position=position)
                for position, (name, days) in enumerate(CATEGORIES, start=1)
            ]
        if commune.pk not in with_bodies:
            place = commune.name.removeprefix(PARTY_PREFIX).strip()
            bodies += [
                Body(commune_id=commune.pk, name=f"{name} {place}".strip(), kind=kind, position=position)
                for position, (name, kind) in enumerate(BODIES, start=1)
            ]
    Category.objects.bulk_create(categories, ignore_conflicts=True, batch_size=1000)
    Body.objects.bulk_create(bodies, ignore_conflicts=True, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0005_guard_default_manager"),
    ]

    operations = [
        # Nothing to undo: the defaults stay, as the commune's staff may have used them since.
        migrations.RunPython(create_defaults, migrations.RunPython.noop),
    ]
