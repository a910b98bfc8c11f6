"""Services: the one road every write to a competition takes.

Each service owns its writes. A method validates, writes in **one** transaction together with
its audit record, commits, and only then announces one ``Change`` (``announcer``): this
process's standings book and board hub apply it before the method returns (*settle*), then the
live bus carries it to every other subscriber. Web handlers parse a form, call one method and
render; they never open a writing session, commit or publish.

- ``sheets``: judges' score sheets (group commit), the path every score takes;
- ``events``: an event's state machine (``scoreboard.states``), visibility and edits;
- ``entries``: locking and reopening an entry;
- ``roster``: creating a competition, importing entrants, drawing blind codes;
- ``review``: the chief judge's deductions and re-score requests.

The competition a sheet is checked against comes from the standings book
(``live.book.StandingsBook``), the one cache of a competition, which reloads itself on each
``CompetitionChanged`` or ``EventChanged`` it is given.
"""
