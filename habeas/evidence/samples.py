"""Files made in code for the demo data and the tests: a screenshot carrying EXIF
GPS, device, author, XMP and a comment; a PDF with document information and XMP;
a small WARC. Nothing here is fetched from anywhere."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/'
    b'02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"'
    b' dc:creator="XMP-AUTHOR"/></rdf:RDF></x:xmpmeta>'
)


def screenshot_jpeg(text: str = "Police are here, I'm hiding.") -> bytes:
    """A phone screenshot of a last message, with GPS (Ashgabat) in its EXIF."""
    image = Image.new("RGB", (360, 200), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 60, 340, 120), fill=(220, 248, 198))
    draw.text((30, 80), text, fill="black")
    exif = Image.Exif()
    exif[271] = "EXIF-MAKE"  # Make
    exif[272] = "EXIF-MODEL"  # Model
    exif[315] = "EXIF-ARTIST"  # Artist
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (37.0, 57.0, 0.0)
    gps[3], gps[4] = "E", (58.0, 23.0, 0.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, xmp=XMP, comment=b"JPEG-COMMENT")
    return out.getvalue()


def official_letter_pdf() -> bytes:
    """The ministry's reply, with an author and producer in its document info."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.multi_cell(
        0,
        8,
        "Ministry of Internal Affairs. Reply to your letter: the person "
        "concerned left the country by air on 22 October 2021.",
    )
    pdf.set_author("PDF-AUTHOR")
    pdf.set_creator("PDF-CREATOR")
    pdf.set_title("Reply")
    pdf.set_xmp_metadata(XMP.decode())
    return bytes(pdf.output())


def web_capture_warc(url: str = "https://t.me/example/123") -> bytes:
    body = b"<html><body>We know where he lives.</body></html>"
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + body
    header = (
        "WARC/1.1\r\nWARC-Type: response\r\n"
        f"WARC-Target-URI: {url}\r\nWARC-Date: 2021-10-25T09:00:00Z\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http)}\r\n\r\n"
    ).encode()
    return header + http + b"\r\n\r\n"
