from django.db import migrations, models


def first_row(apps, schema_editor):
    apps.get_model("routing", "ConfigVersion").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("routing", "0002_skills_capacity_rules_sla_signals")]

    operations = [
        migrations.CreateModel(
            name="ConfigVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.CharField(default="", max_length=32)),
            ],
        ),
        migrations.RunPython(first_row, migrations.RunPython.noop),
    ]
