"""The `provision-ledger` console command: Django's management commands behind one name."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "provision_ledger.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["provision-ledger", *sys.argv[1:]])


if __name__ == "__main__":
    main()
