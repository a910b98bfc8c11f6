"""The ``scoreboard`` command.

Every message — help, usage errors, refusals, what the server prints at start — is in one language:
``--lang`` (before the command), else the environment's as gettext reads it (``LC_ALL``,
``LC_MESSAGES``, ``LANG``, with ``LANGUAGE`` first unless the locale is C): Chinese for a Chinese
locale, English otherwise (``i18n.of_environment``). argparse's own words (``usage:``, its errors)
come from our catalogs too. Every refusal lists all problems with their places and exits with
status 2, having written nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
from collections.abc import Coroutine, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from scoreboard import i18n
from scoreboard.errors import N_, UserError
from scoreboard.i18n import gettext as _

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from scoreboard.services.announcer import Announcer
    from scoreboard.services.judges import JudgeService
    from scoreboard.settings import Settings

T = TypeVar("T")

BASE_URL = "http://127.0.0.1:8000"


def _fail(error: UserError) -> int:
    if error.code == "setting_invalid":  # scoreboard.settings.SettingError
        print(_("Stopped — a setting has a value Scoreboard cannot use:"), file=sys.stderr)
    else:
        print(_("Refused — nothing was written:"), file=sys.stderr)
    for p in error.problems:
        print(f"  - {p.render(i18n.gettext)}", file=sys.stderr)
    return 2


def cmd_init(args: argparse.Namespace) -> int:

    from scoreboard.competition import load_competition
    from scoreboard.services.roster import RosterService

    competition = load_competition(args.file)
    settings = _settings(args.database_url)
    engine = _open(settings)
    roster = RosterService(engine, _announcer(settings, engine))
    _announcing(roster.announce, roster.save(competition, str(args.file), actor="cli"))
    print(_("Loaded %(name)s: %(events)s events, %(entries)s entries, %(judges)s judges.") % {
        "name": competition.name.get(i18n.current()), "events": len(competition.events),
        "entries": len(competition.entries), "judges": len(competition.judges)})
    return 0


def cmd_standings(args: argparse.Namespace) -> int:
    from scoreboard.competition import load_competition
    from scoreboard.exports.archive import is_archive, read_archive
    from scoreboard.offline import read_sheets, standings_report

    if args.sheets is None and is_archive(Path(args.competition)):  # an archive holds both, verified
        competition, sheets, _archive = read_archive(Path(args.competition))
    elif args.sheets is None:
        raise UserError.one("sheets_missing", N_("give the sheets file too, or an archive (.json) alone"))
    else:
        competition = load_competition(args.competition)
        sheets = read_sheets(competition, Path(args.sheets))
    sys.stdout.write(standings_report(competition, sheets, args.format, args.event))
    return 0


def cmd_rubric_check(args: argparse.Namespace) -> int:
    from scoreboard.golden import run_golden
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
    from scoreboard.serving import uvicorn_options
    from scoreboard.settings import Settings

    settings = Settings.from_env()
    options = {"host": args.host, "port": args.port, "log_level": "info", **uvicorn_options(settings)}
    if args.workers < 1:
        raise UserError.one("workers_invalid", N_("--workers must be 1 or more, not {workers}"), workers=args.workers)
    if args.workers == 1:
        uvicorn.run(create_app(settings), **options)
        return 0
    if settings.broadcast_url.startswith("memory:"):
        raise UserError.one("workers_need_bus", N_(
            "--workers {workers} needs a live bus shared by processes, and BROADCAST_URL is memory:// (one "
            "process only): set BROADCAST_URL to redis://HOST:6379/0 or to the PostgreSQL database's "
            "postgresql://… address"), workers=args.workers)
    os.environ[i18n.COMMAND_LANG] = i18n.current()  # each worker process speaks the command's language
    uvicorn.run("scoreboard.app:from_env", factory=True, workers=args.workers, **options)  # each reads the settings
    return 0


def _settings(database_url: str | None) -> Settings:
    from scoreboard.settings import Settings

    return Settings.from_env(**({"database_url": database_url} if database_url else {}))


def _open(settings: Settings) -> Engine:
    from scoreboard.store.engine import make_engine, migrate

    engine = make_engine(settings.database_url, settings.sqlite_synchronous)
    migrate(engine)
    return engine


def _engine(database_url: str | None) -> Engine:
    return _open(_settings(database_url))


def _announcer(settings: Settings, engine: Engine) -> Announcer:
    """What the command line's services announce on: the deployment's bus, nothing to settle here."""
    from scoreboard.live.bus import make_bus
    from scoreboard.services.announcer import Announcer
    from scoreboard.store.keys import DEPLOYMENT, server_key

    return Announcer(make_bus(settings.broadcast_url, server_key(engine, DEPLOYMENT)))


def _announcing(announce: Announcer, work: Coroutine[Any, Any, T]) -> T:
    """Run a service's ``work``, then close the bus it announced on."""

    async def run() -> T:
        try:
            return await work
        finally:
            await announce.bus.close()

    return asyncio.run(run())


def _judges(database_url: str | None) -> JudgeService:
    from scoreboard.services.judges import JudgeService

    settings = _settings(database_url)
    engine = _open(settings)
    return JudgeService(engine, _announcer(settings, engine))


def _only(judge: str | None) -> list[str] | None:
    return [judge] if judge else None


def cmd_judges_tokens(args: argparse.Namespace) -> int:
    from scoreboard.exports.cards import login_link

    service = _judges(args.database_url)
    tokens = _announcing(service.announce, service.tokens(args.competition, _only(args.judge), actor="cli"))
    for key, token in tokens.items():
        print(f"{key}\t{token}\t{login_link(args.base_url, token)}")
    return 0


def cmd_judges_cards(args: argparse.Namespace) -> int:
    from scoreboard.exports.cards import CardsPage, write_cards

    def write(page: CardsPage) -> tuple[int, Path, Path]:
        return len(page.cards), *write_cards(page, Path(args.out))

    service = _judges(args.database_url)
    n, html, pdf = _announcing(service.announce,
                               service.cards(args.competition, _only(args.judge), "cli", args.base_url, write))
    print(_("Wrote %(n)s login cards: %(html)s, %(pdf)s (earlier cards of these judges no longer work).") % {
        "n": n, "html": html, "pdf": pdf})
    return 0


def cmd_judges_revoke(args: argparse.Namespace) -> int:
    service = _judges(args.database_url)
    _announcing(service.announce, service.revoke(args.competition, args.judge, actor="cli", reason=args.reason))
    print(_("Revoked judge %(judge)s: their card and sessions no longer work.") % {"judge": args.judge})
    return 0


def _read_password(from_stdin: bool) -> str:
    import getpass

    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass(_("Password: "))
    if getpass.getpass(_("Password again: ")) != first:
        raise UserError.one("password_mismatch", N_("the two passwords differ"))
    return first


def cmd_admin_create(args: argparse.Namespace) -> int:
    from scoreboard.services.accounts import AccountService

    service = AccountService(_engine(args.database_url))
    service.create(args.username, _read_password(args.password_stdin), args.chief_of or (), actor="cli")
    role = _("chief judge of %(events)s") % {"events": ", ".join(args.chief_of)} if args.chief_of else _("organizer")
    print(_("Created console account %(name)s (%(role)s).") % {"name": args.username, "role": role})
    return 0


EXPORT_FORMATS = ("xlsx", "csv", "json", "pdf", "certificates", "consistency")


def cmd_export(args: argparse.Namespace) -> int:
    from scoreboard.exports.command import cmd_export as export

    return export(args.competition, args.format, args.out, args.event, args.database_url, _engine)


def cmd_archive_verify(args: argparse.Namespace) -> int:
    from scoreboard.exports.command import cmd_archive_verify as verify

    return verify(args.file)


def _parents() -> tuple[argparse.ArgumentParser, ...]:
    """Arguments several commands share: the database, the competition, which judges' cards, the server's address."""
    database, competition, cards, server = (argparse.ArgumentParser(add_help=False) for _i in range(4))
    database.add_argument("--database-url", help=_("overrides DATABASE_URL"))
    competition.add_argument("competition", help=_("the competition (key)"))
    cards.add_argument("--judge", metavar="KEY", help=_("only this judge (default: every judge)"))
    cards.add_argument("--base-url", metavar="URL", default=BASE_URL,
                       help=_("the server's address as tablets reach it (default %(url)s)") % {"url": BASE_URL})
    server.add_argument("--host", default="127.0.0.1")
    server.add_argument("--port", type=int, default=8000)
    return database, competition, cards, server


def parser() -> argparse.ArgumentParser:
    database, competition, cards, server = _parents()
    p = argparse.ArgumentParser(prog="scoreboard",
                                description=_("Live judging and scoreboards for skills competitions."))
    p.add_argument("--lang", help=_("language of messages: zh_CN or en (default: from LC_ALL, LC_MESSAGES, LANG or "
                                   "LANGUAGE: Chinese for a Chinese locale, English otherwise)"))
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    s = sub.add_parser("init", help=_("load a competition file into the database"), parents=[database])
    s.add_argument("file", help=_("the competition TOML file"))
    s.set_defaults(func=cmd_init)

    s = sub.add_parser("standings", help=_("compute standings offline from a competition file and its sheets"),
                       description=_("Compute standings offline from a competition file and its sheets, or from a "
                                     "competition archive (scoreboard export --format json) alone, which is "
                                     "verified first: a changed record is refused and named."))
    s.add_argument("competition", help=_("the competition TOML file, or an archive (.json)"))
    s.add_argument("sheets", nargs="?", help=_("score sheets, one JSON object a line (not with an archive)"))
    s.add_argument("--event", help=_("only this event (key)"))
    s.add_argument("--format", choices=("table", "json", "csv"), default="table")
    s.set_defaults(func=cmd_standings)

    rubric = sub.add_parser("rubric", help=_("check rubric files, list presets")).add_subparsers(
        dest="rubric_command", required=True, metavar="ACTION")
    s = rubric.add_parser("check", help=_("validate rubric files and run their golden cases"))
    s.add_argument("files", nargs="+", help=_("rubric TOML files, or preset:NAME"))
    s.set_defaults(func=cmd_rubric_check)
    s = rubric.add_parser("list", help=_("list the shipped presets"))
    s.set_defaults(func=cmd_rubric_list)

    judges = sub.add_parser("judges", help=_("judges' login tokens and printable login cards")).add_subparsers(
        dest="judges_command", required=True, metavar="ACTION")
    s = judges.add_parser("tokens", help=_("issue fresh login tokens and print them with their links"),
                          parents=[competition, cards, database],
                          description=_("Issue fresh login tokens and print judge, token and link, one a line. "
                                        "A judge's earlier token and card stop working."))
    s.set_defaults(func=cmd_judges_tokens)
    s = judges.add_parser("cards", help=_("issue fresh tokens and write printable login cards (PDF and HTML)"),
                          parents=[competition, cards, database],
                          description=_("Write login-cards.pdf and login-cards.html (six cards an A4 page, with cut "
                                        "lines): each judge's name, events, a QR code of their login link, the link "
                                        "and how to sign in, in Chinese and English. Making cards issues fresh "
                                        "tokens: earlier cards of these judges stop working."))
    s.add_argument("--out", metavar="DIR", required=True, help=_("folder to write the cards to"))
    s.set_defaults(func=cmd_judges_cards)
    s = judges.add_parser("revoke", help=_("revoke a judge: their card and sessions stop working"),
                          parents=[competition, database],
                          description=_("Revoke a judge: their card, their signed-in tablets and open connections "
                                        "stop working. Issue a new card to let them in again."))
    s.add_argument("judge", help=_("the judge (key)"))
    s.add_argument("--reason", required=True, help=_("why, for the audit log"))
    s.set_defaults(func=cmd_judges_revoke)

    admin = sub.add_parser("admin", help=_("organizer console accounts")).add_subparsers(
        dest="admin_command", required=True, metavar="ACTION")
    s = admin.add_parser("create", help=_("create a console account (asks for its password)"), parents=[database],
                         description=_("Create an organizer console account, or with --chief-of a chief judge's "
                                       "account limited to those events. The password is asked for twice (or read "
                                       "from one line of standard input with --password-stdin); there is no default."))
    s.add_argument("username")
    s.add_argument("--chief-of", metavar="COMPETITION:EVENT", action="append",
                   help=_("a chief judge of this event (repeat for several); without it: an organizer"))
    s.add_argument("--password-stdin", action="store_true", help=_("read the password from standard input"))
    s.set_defaults(func=cmd_admin_create)

    s = sub.add_parser("export", help=_("export standings, marks, archive, result sheets, certificates"),
                       parents=[competition, database],
                       description=_("Export a competition from the database: xlsx (standings per event, every "
                                     "judge's marks, team standings), csv (the same tables: PATH, PATH-detail.csv, "
                                     "PATH-teams.csv), json (the tamper-evident archive), pdf (result sheets for "
                                     "signing), certificates (PDF), consistency (the judges' consistency report: "
                                     "HTML, or PDF when PATH ends in .pdf). A progress bar goes to standard error."))
    s.add_argument("--format", required=True, choices=EXPORT_FORMATS)
    s.add_argument("--out", metavar="PATH", required=True, help=_("the file to write"))
    s.add_argument("--event", metavar="KEY", help=_("only this event (not for json)"))
    s.add_argument("--lang", choices=("zh_CN", "en"), default=argparse.SUPPRESS,
                   help=_("language of the export (default: as for messages)"))
    s.set_defaults(func=cmd_export)

    archive = sub.add_parser("archive", help=_("check competition archives")).add_subparsers(
        dest="archive_command", required=True, metavar="ACTION")
    s = archive.add_parser("verify", help=_("check an archive's hash chains and recompute its results"),
                           description=_("Check every hash chain of an archive (scoreboard export --format json), "
                                         "name the first changed record, and recompute the results it records."))
    s.add_argument("file", help=_("the archive (.json)"))
    s.set_defaults(func=cmd_archive_verify)

    s = sub.add_parser("demo", help=_("run the Craftsman Cup demo on a fresh embedded database"), parents=[server])
    s.add_argument("--simulate", action="store_true", help=_("simulated judges submit sheets as the demo runs"))
    s.add_argument("--rate", type=float, default=4.0, help=_("simulated sheets per second (default 4)"))
    s.add_argument("--db", help=_("database file to create (default: a fresh temporary file)"))
    s.add_argument("--write", metavar="DIR", help=_("write the demo's competition files and sheets to DIR, then stop"))
    s.set_defaults(func=cmd_demo)

    s = sub.add_parser("serve", help=_("serve the database named by DATABASE_URL"), parents=[server])
    s.add_argument("--workers", type=int, default=1, metavar="N",
                   help=_("worker processes on this host (default 1); more than one needs a shared BROADCAST_URL"))
    s.set_defaults(func=cmd_serve)
    return p


# argparse's own words, translated through our catalogs while the command line is read (``_argparse``)
ARGPARSE_WORDS = (
    N_("usage: "), N_("positional arguments"), N_("options"), N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"), N_("the following arguments are required: %s"),
    N_("argument %(argument_name)s: %(message)s"), N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("unrecognized arguments: %s"), N_("invalid %(type)s value: %(value)r"), N_("expected one argument"),
)


@contextlib.contextmanager
def _argparse() -> Iterator[None]:
    """argparse speaks the command's language: its module-level gettext is ours meanwhile."""
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._, argparse.ngettext = i18n.gettext, i18n.ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


def language(argv: Sequence[str], env: Mapping[str, str]) -> str:
    """``--lang`` before the command, else the environment's language (see the module); read
    before the command line is parsed, so that its help and its errors speak it too."""
    words, given = list(argv), None
    for i, word in enumerate(words):
        if word == "--lang" and i + 1 < len(words):
            given = words[i + 1]
        elif word.startswith("--lang="):
            given = word.partition("=")[2]
        elif not word.startswith("-") and (i == 0 or words[i - 1] != "--lang"):
            break  # the command: what follows is its own
    return i18n.normalize(given) or i18n.of_environment(env)


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    i18n.set_locale(language(words, os.environ))
    with _argparse():
        args = parser().parse_args(words)
    if chosen := i18n.normalize(getattr(args, "lang", None)):  # export's own --lang: its file and its messages
        i18n.set_locale(chosen)
    try:
        return int(args.func(args))
    except UserError as e:
        return _fail(e)


if __name__ == "__main__":
    sys.exit(main())
