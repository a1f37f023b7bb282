"""`migrate` without --database migrates every database: the main one and the intake queue's.

Django's own migrate does only `default` unless told otherwise, and `make demo`, `bereikbaar
demo` and every guide call it without --database: the queue's file (intake/router.py) would
stay empty of tables. With --database it does just that one, as Django's does (the test runner
creates each test database that way).
"""

from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import connections


class Command(DjangoMigrate):
    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(database=None)

    def get_check_kwargs(self, options):
        kwargs = super().get_check_kwargs(options)
        if options["database"] is None:
            kwargs["databases"] = list(connections)
        return kwargs

    def handle(self, *args, **options):
        if options["database"] is not None:
            return super().handle(*args, **options)
        for alias in connections:  # "default" first: the queue's copy step reads it
            if len(connections.settings) > 1 and options["verbosity"] >= 1:
                self.stdout.write(self.style.MIGRATE_HEADING(f"Database {alias}:"))
            super().handle(*args, **{**options, "database": alias})
