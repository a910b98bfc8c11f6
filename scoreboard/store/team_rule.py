"""A competition's team rule in the database: how its teams are ranked across events (团体总分).

Stored as JSON on the competition's row (``method``, ``n``, ``events``, ``count_award``; NULL:
no team standings). It comes with the competition file, or an organizer sets it, changes it or
turns it off in the console; each change is audited (``competition.team_rule``, the rule before
and after). Nothing here commits; the caller does.
"""

from __future__ import annotations

from sqlmodel import Session

from scoreboard.competition import TeamRule
from scoreboard.store.audit import audit
from scoreboard.store.load import competition_row, rule_data


def set_team_rule(session: Session, competition_key: str, rule: TeamRule | None, actor: str,
                  reason: str = "") -> bool:
    """Store the competition's team rule (None: no team standings), already checked
    (``competition.read_team_rule``), and audit it; returns whether it changed."""
    row = competition_row(session, competition_key)
    before, after = row.team_rule, rule_data(rule)
    if before == after:
        return False
    row.team_rule = after
    session.add(row)
    audit(session, actor, "competition.team_rule", f"competition:{competition_key}",
          {"competition": competition_key, "from": before, "to": after}, reason)
    return True
