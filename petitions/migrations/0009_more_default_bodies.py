"""Give every commune that already has petition bodies the ones the defaults gained (issue 23):
Công an, Ban Chỉ huy Quân sự, Trung tâm Phục vụ hành chính công, and in the village the trưởng
thôn / tổ trưởng and the Ban công tác Mặt trận. A commune that has a body of that name keeps it;
nothing is removed. The lists are copied here: a migration must not change with the models'.
"""

from django.db import migrations

COMMUNE_BODIES = (
    ("Trung tâm Phục vụ hành chính công", "office"),
    ("Công an", "security"),
    ("Ban Chỉ huy Quân sự", "security"),
)
VILLAGE_BODIES = (
    ("Trưởng thôn, tổ trưởng tổ dân phố", "village"),
    ("Ban công tác Mặt trận thôn, tổ dân phố", "village"),
)
PARTY_PREFIX = "Đảng bộ "


def add_bodies(apps, schema_editor):
    Organization = apps.get_model("members", "Organization")
    Body = apps.get_model("petitions", "Body")
    last = {}
    for commune_id, position in Body.objects.values_list("commune_id", "position"):
        last[commune_id] = max(last.get(commune_id, 0), position)
    rows = []
    for commune in Organization.objects.filter(pk__in=list(last)).only("pk", "name"):
        place = commune.name.removeprefix(PARTY_PREFIX).strip()
        names = [(f"{name} {place}".strip(), kind) for name, kind in COMMUNE_BODIES] + list(VILLAGE_BODIES)
        for offset, (name, kind) in enumerate(names, start=1):
            rows.append(Body(commune_id=commune.pk, name=name, kind=kind, position=last[commune.pk] + offset))
    # The unique (commune, name) skips a body the commune already has.
    Body.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0008_body_kinds"),
    ]

    operations = [
        migrations.RunPython(add_bodies, migrations.RunPython.noop),
    ]
