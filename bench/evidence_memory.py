"""Memory and time of reading hostile evidence uploads (docs/threat-model.md, "What
a working copy removes", reading bounded). Not a test: it prints figures.

    .venv/bin/python bench/evidence_memory.py
    .venv/bin/python bench/evidence_memory.py --streams 6     # the PDF bomb with 6 pages

Each step runs in a process of its own, so that its peak resident memory
(ru_maxrss) is its own; "grew" is that peak minus the process's memory once
Habeas is imported and the file is built. Steps:

- upload: `habeas.lib.files.examine` (the metadata report and the working copy, as
  evidence_add does);
- view: what the item page does with the file: with a stored report, the
  streamed hash check of the sealed file; without one (older code), the file
  parsed again (`habeas.lib.files.metadata_of`).

Files: a PDF bomb (N pages drawn by 70 MB of spaces each, 68 KB
deflated) and a PNG too big to decode (9400×9400, 280 KB: no working copy), a
48-megapixel phone photo with GPS (8000×6000 JPEG: its working copy decoded at
half size), and, for scale, a 5000×5000 photo. `--only phone200:upload` adds a
200-megapixel one (16320×12240; building it takes 800 MB, outside the measure).
Settings come from a throwaway data directory: no data of yours is opened.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def m5_pdf(count: int) -> bytes:
    blob = zlib.compress(b" " * 70_000_000, 9)
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(count))
    objs = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % count,
    }
    for i in range(count):
        objs[3 + i] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << >> >>" % (3 + count + i)
        )
        objs[3 + count + i] = (
            b"<< /Filter /FlateDecode /Length %d >>\nstream\n" % len(blob) + blob + b"\nendstream"
        )
    out, offsets = b"%PDF-1.7\n", {}
    for number in sorted(objs):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objs[number] + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % offsets[n] for n in sorted(objs))
    trailer = b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
    return out + trailer % (len(objs) + 1, xref)


def png(side: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (side, side)).save(out, "PNG", compress_level=9)
    return out.getvalue()


def photo(side: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.radial_gradient("L").resize((side, side)).convert("RGB").save(out, "JPEG")
    return out.getvalue()


def phone(width: int, height: int) -> bytes:
    """A phone's colour photo with GPS, make and artist in its EXIF."""
    from PIL import Image

    exif = Image.Exif()
    exif[271], exif[315] = "SECRETMAKE", "SECRETARTIST"
    exif.get_ifd(0x8825).update({1: "N", 2: (37.0, 57.0, 30.0), 3: "E", 4: (58.0, 23.0, 10.0)})
    # Sensor noise over a gradient: weighs what a real photo does (a flat one
    # compresses to almost nothing).
    gradient = Image.linear_gradient("L").resize((width, height))
    noise = Image.effect_noise((width, height), 24)
    image = Image.merge("RGB", (gradient, noise, Image.blend(gradient, noise, 0.5)))
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=92)
    return out.getvalue()


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def current_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


FILES = {
    "m5": ("application/pdf", lambda streams: m5_pdf(streams)),
    "l1": ("image/png", lambda streams: png(9400)),
    "photo": ("image/jpeg", lambda streams: photo(5000)),
    "phone48": ("image/jpeg", lambda streams: phone(8000, 6000)),
    "phone200": ("image/jpeg", lambda streams: phone(16320, 12240)),
}


def prepare(name: str, streams: int, folder: Path) -> None:
    """Build a file (building the 9400×9400 PNG takes 350 MB: not in a measured
    process) and, for the page view, store it sealed with its report as an
    upload would."""
    kind, action = name.split(":")
    media_type, make = FILES[kind]
    data = make(streams)
    (folder / kind).write_bytes(data)
    if action != "view":
        return
    import django

    django.setup()
    from habeas.evidence import storage
    from habeas.lib import files

    try:
        report = files.examine(data, media_type)[0]
    except files.RejectedFile as exc:
        (folder / f"{kind}.refused").write_text(str(exc))
        return
    if hasattr(report, "to_json"):  # versions that keep the report
        (folder / f"{kind}.report").write_text(report.to_json())
    tmp = storage.seal_to_tmp(io.BytesIO(data), kind, storage.ORIGINAL)
    storage.commit_tmp(tmp, kind, storage.ORIGINAL)


def step(name: str, folder: Path) -> dict:
    """One measurement, in this process."""
    import django

    django.setup()
    from habeas.evidence import storage
    from habeas.lib import files

    kind, action = name.split(":")
    media_type, _ = FILES[kind]
    data = (folder / kind).read_bytes()
    result = {"file": kind, "bytes": len(data), "step": action}
    if (folder / f"{kind}.refused").exists():
        result["outcome"] = "refused at upload: no page"
        return result
    report = folder / f"{kind}.report"
    sha256 = storage.digest_chunks([data]).sha256
    before = current_mb()
    started = time.monotonic()
    try:
        if action == "upload":
            report, working = files.examine(data, media_type)
            if working is None:
                result["outcome"] = "stored, no working copy"
            elif getattr(report, "reduced_to", ""):
                result["outcome"] = f"stored, working copy reduced to {report.reduced_to}"
            else:
                result["outcome"] = "stored"
        elif report.exists():  # the report was kept at upload: the page's work
            assert storage.check(kind, storage.ORIGINAL, sha256=sha256) == ""
            files.Metadata.from_json(report.read_text())
            result["outcome"] = "stored report shown, hash checked"
        else:  # older versions read the file again on every view
            plain = storage.open_plain(kind, storage.ORIGINAL, expect_sha256=sha256)
            files.metadata_of(plain.getvalue(), media_type)
            result["outcome"] = "file decrypted and parsed again"
    except files.RejectedFile as exc:
        result["outcome"] = f"refused: {str(exc)[:60]}…"
    result["seconds"] = round(time.monotonic() - started, 2)
    result["peak_rss_mb"] = round(rss_mb())
    result["grew_mb"] = round(rss_mb() - before)
    result["code"] = str(Path(storage.__file__).resolve().parent.parent.parent)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--streams", type=int, default=16, help="pages of the PDF bomb")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--prepare", help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument(
        "--only",
        nargs="*",
        default=[
            "m5:upload",
            "l1:upload",
            "l1:view",
            "phone48:upload",
            "phone48:view",
            "photo:upload",
            "photo:view",
        ],
    )
    args = parser.parse_args()
    if args.prepare:
        prepare(args.prepare, args.streams, args.folder)
        return
    if args.step:
        print(json.dumps(step(args.step, args.folder)))
        return
    with tempfile.TemporaryDirectory(prefix="habeas-bench-evidence-") as data_dir:
        env = {
            **os.environ,
            "HABEAS_DATA_DIR": data_dir,
            "DJANGO_SETTINGS_MODULE": "habeas.settings",
        }
        for name in args.only:
            folder = Path(data_dir) / name.replace(":", "-")
            folder.mkdir()
            common = ["--streams", str(args.streams), "--folder", str(folder)]
            run = [sys.executable, __file__, *common]
            subprocess.run([*run, "--prepare", name], env=env, check=True)
            done = subprocess.run(
                [*run, "--step", name], env=env, capture_output=True, text=True, check=False
            )
            line = done.stdout.strip().splitlines()[-1:] or [done.stderr.strip()[-300:]]
            print(line[0], flush=True)


if __name__ == "__main__":
    main()
