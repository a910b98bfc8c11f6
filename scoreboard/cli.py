"""The ``scoreboard`` command.

Messages follow ``--lang`` or the environment's ``LANG`` (zh_CN for a Chinese system, English
otherwise). Every refusal lists all problems with their places and exits with status 2, having
written nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from scoreboard import i18n
from scoreboard.errors import UserError
from scoreboard.i18n import gettext as _


def _fail(error: UserError) -> int:
    print(_("Refused — nothing was written:"), file=sys.stderr)
    for p in error.problems:
        print(f"  - {p.render(i18n.gettext)}", file=sys.stderr)
    return 2


def cmd_init(args: argparse.Namespace) -> int:
    from scoreboard.competition import load_competition
    from scoreboard.settings import Settings
    from scoreboard.store.engine import make_engine, migrate, session
    from scoreboard.store.load import save_competition

    competition = load_competition(args.file)
    settings = Settings.from_env(**({"database_url": args.database_url} if args.database_url else {}))
    engine = make_engine(settings.database_url, settings.sqlite_synchronous)
    migrate(engine)
    with session(engine) as s:
        save_competition(s, competition)
        s.commit()
    print(_("Loaded %(name)s: %(events)s events, %(entries)s entries, %(judges)s judges.") % {
        "name": competition.name.get(i18n.current()), "events": len(competition.events),
        "entries": len(competition.entries), "judges": len(competition.judges)})
    return 0


def cmd_standings(args: argparse.Namespace) -> int:
    from scoreboard.competition import load_competition
    from scoreboard.offline import read_sheets, standings_report

    competition = load_competition(args.competition)
    sheets = read_sheets(competition, Path(args.sheets))
    sys.stdout.write(standings_report(competition, sheets, args.format, args.event))
    return 0


def cmd_rubric_check(args: argparse.Namespace) -> int:
    from scoreboard.rubric.golden import run_golden
    from scoreboard.rubric.load import load_preset, load_rubric

    failed = False
    for name in args.files:
        try:
            rubric = load_preset(name[len("preset:"):]) if name.startswith("preset:") else load_rubric(name)
        except UserError as e:
            _fail(e)
            failed = True
            continue
        problems, cases = run_golden(rubric, name)
        if problems:
            failed = True
            print(_("%(file)s: %(failed)s of %(cases)s golden cases fail:") % {
                "file": name, "failed": len({p.place for p in problems}), "cases": cases})
            for p in problems:
                print(f"  - {p.render(i18n.gettext)}")
        else:
            print(_("%(file)s: valid; %(cases)s golden cases pass.") % {"file": name, "cases": cases})
    return 2 if failed else 0


def cmd_rubric_list(args: argparse.Namespace) -> int:
    from scoreboard.rubric.load import load_preset, preset_names

    for name in preset_names():
        rubric = load_preset(name)
        print(f"preset:{name:<18} {rubric.name.zh} / {rubric.name.en}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from scoreboard.demo.run import run_demo, write_files

    if args.write:
        for path in write_files(Path(args.write)):
            print(path)
        return 0
    return run_demo(host=args.host, port=args.port, simulate=args.simulate, rate=args.rate, db=args.db)


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from scoreboard.app import create_app
    from scoreboard.settings import Settings

    uvicorn.run(create_app(Settings.from_env()), host=args.host, port=args.port, log_level="info")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="scoreboard", description="Live judging and scoreboards for skills competitions.")
    p.add_argument("--lang", help="language of messages: zh_CN or en (default: from LANG)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    s = sub.add_parser("init", help="load a competition file into the database")
    s.add_argument("file", help="the competition TOML file")
    s.add_argument("--database-url", help="overrides DATABASE_URL")
    s.set_defaults(func=cmd_init)

    s = sub.add_parser("standings", help="compute standings offline from a competition file and its sheets")
    s.add_argument("competition", help="the competition TOML file")
    s.add_argument("sheets", help="score sheets, one JSON object a line")
    s.add_argument("--event", help="only this event (key)")
    s.add_argument("--format", choices=("table", "json", "csv"), default="table")
    s.set_defaults(func=cmd_standings)

    rubric = sub.add_parser("rubric", help="check rubric files, list presets").add_subparsers(
        dest="rubric_command", required=True, metavar="ACTION")
    s = rubric.add_parser("check", help="validate rubric files and run their golden cases")
    s.add_argument("files", nargs="+", help="rubric TOML files, or preset:NAME")
    s.set_defaults(func=cmd_rubric_check)
    s = rubric.add_parser("list", help="list the shipped presets")
    s.set_defaults(func=cmd_rubric_list)

    s = sub.add_parser("demo", help="run the Craftsman Cup demo on a fresh embedded database")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--simulate", action="store_true", help="simulated judges submit sheets as the demo runs")
    s.add_argument("--rate", type=float, default=4.0, help="simulated sheets per second (default 4)")
    s.add_argument("--db", help="database file to create (default: a fresh temporary file)")
    s.add_argument("--write", metavar="DIR", help="write the demo's competition files and sheets to DIR, then stop")
    s.set_defaults(func=cmd_demo)

    s = sub.add_parser("serve", help="serve the database named by DATABASE_URL")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.set_defaults(func=cmd_serve)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    i18n.set_locale(i18n.normalize(args.lang) or i18n.normalize(os.environ.get("LANG")) or "en")
    try:
        return int(args.func(args))
    except UserError as e:
        return _fail(e)


if __name__ == "__main__":
    sys.exit(main())
