from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS
from django.utils.translation import ngettext

from users.models import Profile


class Command(BaseCommand):
    help = (
        "Create the missing profile of every user who has none, such as users "
        "saved by bulk_create() or loaded from a fixture without profiles."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help='Nominates a database to create profiles in. Defaults to "default".',
        )

    def handle(self, *args, **options):
        created = Profile.objects.db_manager(options["database"]).create_missing()
        if options["verbosity"] >= 1:
            self.stdout.write(
                ngettext(
                    "Created %(count)d missing profile.",
                    "Created %(count)d missing profiles.",
                    created,
                )
                % {"count": created}
            )
