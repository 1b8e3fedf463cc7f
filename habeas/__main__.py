"""The `habeas` command: every Django management command plus Habeas's own."""

import os
import sys

from habeas.conf import ConfigurationError


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "habeas.settings")
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ConfigurationError as exc:
        # A misconfiguration is the operator's to fix: one readable line, no traceback.
        print(f"habeas: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
