"""The ``hall`` command: no arguments opens the program, a subcommand works without a
screen. The GUI is imported only when it is asked for, so the command line never loads Qt."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] == "gui":
        from hall.app import run

        return run(args[1:])
    if args[0] == "display":  # the hall's calling screen: a window too
        from hall.app import run_display

        return run_display(args[1:])
    from hall.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
