"""The lägesbild as PDF: the sections `lagesbild(...)` made (promises/lagesbild.py), the same words and numbers as
the Word document, set on A4 with reportlab (as the flyer and the slides; its Helvetica covers å, ä, ö and the
dashes). A table breaks between rows, never through one, and repeats its header row on the next page; its caption
stays with its first rows. Each page's foot names the document (the municipality), the survey as the source with
the build's credit, and the page's number of the whole ("Sida 2 av 9")."""
from __future__ import annotations

import io
from xml.sax.saxutils import escape

from views.texts import t

MARGIN_MM = 18
FOOT_MM = 16  # room at the foot of each page for the source and the page number


def styles() -> dict:
    from reportlab.lib.styles import ParagraphStyle

    def style(name, size, bold=False, before=0.0, after=0.0, colour="#000000", keep=False):
        return ParagraphStyle(name, fontName="Helvetica-Bold" if bold else "Helvetica", fontSize=size,
                              leading=size * 1.25, spaceBefore=before, spaceAfter=after, textColor=colour,
                              keepWithNext=keep)
    return {"title": style("title", 20, True, after=4), "sub": style("sub", 10, after=8, colour="#333333"),
            "h1": style("h1", 14, True, 14, 4, "#0b4fb3", keep=True), "h2": style("h2", 11.5, True, 8, 2, keep=True),
            "body": style("body", 10, after=4), "caption": style("caption", 9.5, True, 6, 3, keep=True),
            "cell": style("cell", 8.5), "head": style("head", 8.5, True), "foot": style("foot", 7.5, colour="#333333")}


def column_widths(columns: list[str], rows: list[list], total: float, s: dict) -> list[float]:
    """Each column as wide as its longest word needs at least, the rest of the width shared by how long its texts
    are (a table of short numbers and one long name gives the name the room)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    pad = 8.0  # the cell's padding, both sides
    least, want = [], []
    for i, head in enumerate(columns):
        texts = [str(head)] + [str(row[i]) for row in rows if i < len(row)]
        words = [w for text in texts for w in text.split()] or [""]
        least.append(max(stringWidth(w, "Helvetica-Bold", 8.5) for w in words) + pad)
        want.append(max(stringWidth(text, "Helvetica", 8.5) for text in texts) + pad)
    if sum(want) <= total:
        spare = total - sum(want)
        return [w + spare * w / sum(want) for w in want]
    extra = [max(w - m, 0.0) for w, m in zip(want, least)]
    room = max(total - sum(least), 0.0)
    return [m + room * e / (sum(extra) or 1.0) for m, e in zip(least, extra)]


def table_flowables(table: dict, width: float, s: dict) -> list:
    from reportlab.platypus import Paragraph, Table, TableStyle

    def cell(text, style):
        return Paragraph(escape(str(text)), s[style])
    data = [[cell(c, "head") for c in table["columns"]]] + [[cell(v, "cell") for v in row] for row in table["rows"]]
    grid = Table(data, colWidths=column_widths(table["columns"], table["rows"], width, s), repeatRows=1,
                 hAlign="LEFT")
    grid.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, "#888888"), ("BACKGROUND", (0, 0), (-1, 0), "#e8eef7"),
                              ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 4),
                              ("RIGHTPADDING", (0, 0), (-1, -1), 4), ("TOPPADDING", (0, 0), (-1, -1), 2),
                              ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
    return [Paragraph(escape(table["title"]), s["caption"]), grid]


def flowables(sections: list[dict], title: str, subtitle: str, width: float, s: dict) -> list:
    from reportlab.platypus import Paragraph

    out = [Paragraph(escape(title), s["title"]), Paragraph(escape(subtitle), s["sub"])]
    for section in sections:
        out.append(Paragraph(escape(section["heading"]), s["h1"]))
        for paragraph in section["paragraphs"]:
            if isinstance(paragraph, tuple):  # ("heading", text): a promise's title
                out.append(Paragraph(escape(paragraph[1]), s["h2"]))
            else:
                out.append(Paragraph(escape(paragraph).replace("\n", "<br/>"), s["body"]))
        for table in section["tables"]:
            out += table_flowables(table, width, s)
    return out


def numbered_canvas(foot: str, lang: str, s: dict):
    """A canvas class that draws each page's foot once the number of pages is known."""
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Paragraph

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.pages = []

        def showPage(self):
            self.pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            for number, state in enumerate(self.pages, start=1):
                self.__dict__.update(state)
                width = self._pagesize[0] - 2 * MARGIN_MM * mm
                page = t("lagesbild_page", lang, i=number, n=len(self.pages))
                text = Paragraph(escape(foot) + " · " + escape(page), s["foot"])
                _, h = text.wrap(width, FOOT_MM * mm)
                text.drawOn(self, MARGIN_MM * mm, (MARGIN_MM * mm - h) / 2 + 2 * mm)
                super().showPage()
            super().save()
    return NumberedCanvas


def lagesbild_pdf(sections: list[dict], title: str, subtitle: str, foot: str, lang: str) -> bytes:
    """`sections` as `lagesbild(...)` made them; `subtitle` under the title (the survey, the date), `foot` at the
    foot of every page (the municipality and the source)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    s = styles()
    out = io.BytesIO()
    document = SimpleDocTemplate(out, pagesize=A4, leftMargin=MARGIN_MM * mm, rightMargin=MARGIN_MM * mm,
                                 topMargin=MARGIN_MM * mm, bottomMargin=(MARGIN_MM + FOOT_MM / 2) * mm, title=title,
                                 author="Trygghetskartan", creator="Trygghetskartan", subject=subtitle,
                                 lang="sv-SE" if lang == "sv" else "en-GB")
    document.build(flowables(sections, title, subtitle, document.width, s),
                   canvasmaker=numbered_canvas(foot, lang, s))
    return out.getvalue()
