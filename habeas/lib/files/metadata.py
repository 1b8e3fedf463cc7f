"""What identifying metadata a file carries, as read at upload and stored with it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

# Why an image has no working copy (stored in its report; the page words it).
NO_COPY_TOO_LARGE = "too_large"


@dataclass
class Metadata:
    """What identifying metadata a file carries (shown to staff before sharing),
    and what of the file its working copy leaves out."""

    gps: str = ""
    device: str = ""
    author: str = ""
    other: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    # An image too large to decode whole: its size ("8000×6000"), and either the
    # size its working copy was reduced to or why it has none (NO_COPY_*).
    pixels: str = ""
    reduced_to: str = ""
    no_copy: str = ""

    @property
    def empty(self) -> bool:
        return not (self.gps or self.device or self.author or self.other)

    def to_json(self) -> str:
        return json.dumps(
            {
                "gps": self.gps,
                "device": self.device,
                "author": self.author,
                "other": self.other,
                "dropped": self.dropped,
                "pixels": self.pixels,
                "reduced_to": self.reduced_to,
                "no_copy": self.no_copy,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> Metadata:
        data = json.loads(text)
        return cls(
            gps=data.get("gps", ""),
            device=data.get("device", ""),
            author=data.get("author", ""),
            other=list(data.get("other", [])),
            dropped=list(data.get("dropped", [])),
            pixels=data.get("pixels", ""),
            reduced_to=data.get("reduced_to", ""),
            no_copy=data.get("no_copy", ""),
        )
