"""How long input cleaning takes on a large form body.

Every POST's text goes through `habeas.lib.text.plain_text` (control characters
dropped, vertical tab and form feed turned into newlines), so its speed is paid
on every save. Prints one JSON line per kind of text: the best of five runs.

    .venv/bin/python bench/text_clean.py
"""

from __future__ import annotations

import json
import time

from habeas.lib.text import plain_text

SIZE = 2_500_000
TEXTS = {
    "latin": ("Police came at night to his flat.\n" * 80_000)[:SIZE],
    "cyrillic_with_vt": ("Полиция пришла ночью\x0bв его квартиру.\n" * 70_000)[:SIZE],
    "control_every_second_char": ("a\x01" * (SIZE // 2))[:SIZE],
}


def main() -> None:
    for name, text in TEXTS.items():
        best = float("inf")
        for _ in range(5):
            started = time.perf_counter()
            plain_text(text)
            best = min(best, time.perf_counter() - started)
        print(json.dumps({"text": name, "chars": len(text), "best_ms": round(best * 1000, 1)}))


if __name__ == "__main__":
    main()
