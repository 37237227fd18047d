"""A record snapshot as a PDF to print or attach: the record, and a QR code to the
snapshot's page, where anyone can check it is the society's."""

from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from society.formats import when

from .models import RecordSnapshot
from .snapshots import thaw

FONT = "RecordFont"


def _font() -> str:
    """A font with Chinese as well as Latin letters: settings.PDF_FONT (a TrueType file,
    embedded so its text can be copied) when it is there, else the PDF reader's own
    STSong-Light."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return FONT
    path = Path(settings.PDF_FONT) if settings.PDF_FONT else None
    if path and path.is_file():
        pdfmetrics.registerFont(TTFont(FONT, str(path), subfontIndex=0))
        return FONT
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def _qr(url: str, size: float) -> Drawing:
    widget = QrCodeWidget(url, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0])
    drawing.add(widget)
    return drawing


STYLES = {
    "name": {"fontSize": 20, "leading": 26},
    "small": {"fontSize": 9, "leading": 12, "textColor": "#555555"},
    "heading": {"fontSize": 13, "leading": 18, "spaceBefore": 10, "spaceAfter": 4},
    "entry": {"fontSize": 10, "leading": 14},
}


def record_pdf(snapshot: RecordSnapshot, *, url: str) -> bytes:
    """The PDF of `snapshot`, in the language it was taken in, its QR code pointing at
    `url` (the snapshot's page; the printed address is a link to it too)."""
    font = _font()
    styles = {name: ParagraphStyle(name, fontName=font, **style) for name, style in STYLES.items()}
    output = BytesIO()
    with translation.override(snapshot.language or settings.LANGUAGE_CODE):
        story = _heading(snapshot, styles)
        for section in thaw(snapshot.sections):
            story.append(Paragraph(escape(section.title), styles["heading"]))
            story += [_entry(entry, styles) for entry in section.entries]
        story += [Spacer(1, 8 * mm), _verification(snapshot, url, styles)]
        document = SimpleDocTemplate(
            output,
            pagesize=A4,
            title=_("Participation record"),
            author=settings.SOCIETY_NAME,
            leftMargin=20 * mm,
            rightMargin=20 * mm,
            topMargin=18 * mm,
            bottomMargin=18 * mm,
        )
        document.build(story)
    return output.getvalue()


def _heading(snapshot: RecordSnapshot, styles: dict) -> list:
    society = _("%(society)s · participation record") % {"society": settings.SOCIETY_NAME}
    heading = [Paragraph(escape(society), styles["small"]), Paragraph(escape(snapshot.name), styles["name"])]
    if snapshot.course:
        heading.append(Paragraph(escape(snapshot.course), styles["small"]))
    return [*heading, Spacer(1, 4 * mm)]


def _entry(entry, styles: dict) -> Table:
    """One line of a section: its dates on the left, what it was on the right."""
    dates = when(entry.when, "date") if entry.when else ""
    if entry.until:
        dates += " – " + when(entry.until, "date")  # noqa: RUF001 (a date range)
    text = f"<b>{escape(entry.title)}</b>"
    if entry.detail:
        text += f" · {escape(entry.detail)}"
    row = [Paragraph(escape(dates), styles["small"]), Paragraph(text, styles["entry"])]
    layout = TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (0, 0), 0)])
    return Table([row], colWidths=[32 * mm, None], style=layout)


def _verification(snapshot: RecordSnapshot, url: str, styles: dict) -> Table:
    """The QR code of the snapshot's page, and the words that say what it is for."""
    note = _("Taken on %(date)s. Scan the code or open %(url)s to check this record with %(society)s.") % {
        "date": when(snapshot.taken_at, "long_date"),
        "url": url,
        "society": settings.SOCIETY_NAME,
    }
    link = f'<link href="{escape(url)}">{escape(url)}</link>'
    row = [_qr(url, 30 * mm), Paragraph(escape(note).replace(escape(url), link), styles["small"])]
    return Table([row], colWidths=[34 * mm, None], style=TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
