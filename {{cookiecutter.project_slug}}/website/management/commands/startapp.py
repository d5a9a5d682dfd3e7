from pathlib import Path

from django.core.management.commands import startapp

# Django's own stubs import what they never use, which this project's ruff refuses.
APP_TEMPLATE = Path(__file__).resolve().parents[2] / "app_template"


class Command(startapp.Command):
    help = (
        f"{startapp.Command.help} New apps start from website/app_template/ "
        "unless --template names another."
    )

    def handle(self, **options):
        options["template"] = options["template"] or str(APP_TEMPLATE)
        super().handle(**options)
