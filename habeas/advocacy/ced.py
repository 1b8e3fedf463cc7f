"""Which States are parties to the Convention (CED article 30 urgent actions).

Kept as data with its as-of date, not code: ratifications change (docs/domain.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "ced_states_parties.json"


@dataclass(frozen=True)
class StatesParties:
    as_of: date
    source: str
    parties: frozenset[str]


@cache
def states_parties() -> StatesParties:
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    return StatesParties(
        as_of=date.fromisoformat(raw["as_of"]),
        source=raw["source"],
        parties=frozenset(code.upper() for code in raw["parties"]),
    )


def is_party(country_code: str) -> bool:
    return str(country_code).upper() in states_parties().parties
