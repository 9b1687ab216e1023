"""Where each part of a slide goes on a page, measured: the one geometry of the PowerPoint and the PDF.

Text is measured with reportlab's metrics of Helvetica (the PDF's font; the PowerPoint sets Arial, which has the
same widths), so a box is as high as its text needs. A slide's parts: the title and the line of what is shown at
the top, the source and notes at the foot, and between them the chart on the left and the summary, the numbers
and (on a map slide) the areas ranked on the right. When the right column does not fit, the chart narrows and the
type shrinks (to a floor) until it does; a long ranking goes in two columns. Nothing overlaps, nothing leaves the
page: tests/unit/test_slide_files.py reads both files' geometry.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from views.slides import IMAGE_SIZE, Slide
from views.texts import t

# style: (bold, size in pt, leading as a multiple of the size, space before in pt)
STYLES = {
    "title": (True, 22, 1.18, 0), "subtitle": (False, 11, 1.27, 0), "summary": (True, 15, 1.3, 0),
    "kind": (False, 12, 1.3, 5), "heading": (True, 11, 1.27, 7), "number": (False, 10.5, 1.27, 0),
    "foot": (False, 8.5, 1.24, 0),
}
GAP = 10             # pt between parts
SAFETY = 1.06        # text boxes are this much higher than measured: room for another renderer's rounding
RANKING_ONE_COLUMN = 8
FLOOR = 0.7          # the right column's type shrinks to 70 % at most (10.5 pt numbers → 7.4 pt)


@dataclass
class Box:
    role: str                     # title, subtitle, chart, side, ranking, foot
    x: float                      # pt from the left edge
    y: float                      # pt from the top edge
    w: float
    h: float
    items: list[tuple[str, str]] = field(default_factory=list)  # (style, text), top-down
    scale: float = 1.0            # the type's size as a share of STYLES'


def font(style: str, scale: float = 1.0) -> tuple[str, float, float, float]:
    """(reportlab font name, size, leading, space before) of a style at a scale."""
    bold, size, leading, before = STYLES[style]
    return ("Helvetica-Bold" if bold else "Helvetica"), size * scale, size * scale * leading, before * scale


def _lines(text: str, name: str, size: float, width: float) -> int:
    """How many lines `text` takes in a column of `width` pt (greedy word wrap, as reportlab and PowerPoint)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth  # reportlab is loaded by the first file made

    lines, current = 1, 0.0
    space = stringWidth(" ", name, size)
    for word in text.split():
        w = stringWidth(word, name, size)
        if current and current + space + w > width:
            lines, current = lines + 1, w
        else:
            current = current + space + w if current else w
        while current > width:  # a word longer than the column breaks
            lines, current = lines + 1, current - width
    return lines


def measure(items: list[tuple[str, str]], width: float, scale: float = 1.0) -> float:
    """The height in pt of paragraphs set one under the other in a column (with SAFETY)."""
    total = 0.0
    for style, text in items:
        name, size, leading, before = font(style, scale)
        total += before + _lines(text, name, size, width) * leading
    return total * SAFETY


def _side_items(slide: Slide, lang: str) -> tuple[list, list, list]:
    """The right column's paragraphs: the summary; the ranking's lines (set in columns of their own); the rest."""
    side = [("summary", slide.summary)] + ([("kind", slide.too_few_text)] if slide.too_few else [])
    numbers = [("heading", t("numbers_heading", lang))] + [("number", line) for line in slide.numbers]
    if not slide.ranking:
        return side + numbers, [], []
    side.append(("heading", slide.ranking_heading))
    ranking = [("number", f"{i}. {area}: {share} ({span})")
               for i, (area, share, span) in enumerate(slide.ranking, start=1)]
    notes = [("number", " · ".join(slide.ranking_notes))] if slide.ranking_notes else []
    return side, ranking, notes + numbers


def layout(slide: Slide, lang: str, width: float, height: float, index: int, count: int,
           stamp: str) -> list[Box]:
    """The boxes of one slide on a page of `width` × `height` pt, top-down; `stamp` ends the foot's last line."""
    margin = min(width, height) * 0.05
    inner = width - 2 * margin
    top = [("title", slide.title), ("subtitle", slide.subtitle)]
    boxes, y = [], margin
    for style, text in top:
        h = measure([(style, text)], inner)
        boxes.append(Box(style, margin, y, inner, h, [(style, text)]))
        y += h + (2 if style == "title" else GAP)
    foot = [("foot", " ".join(slide.notes)), ("foot", slide.source),
            ("foot", t("slide_of", lang, i=index, n=count) + f" · {stamp}")]
    foot = [(s, text) for s, text in foot if text]
    foot_h = measure(foot, inner)
    boxes.append(Box("foot", margin, height - margin - foot_h, inner, foot_h, foot))
    room = height - margin - foot_h - GAP - y
    side, ranking, after = _side_items(slide, lang)
    for share in (0.55, 0.48, 0.4, 0.32):
        chart_w = min(inner * share, room * IMAGE_SIZE[0] / IMAGE_SIZE[1]) if slide.image else 0.0
        right = margin + chart_w + (GAP * 2 if chart_w else 0)
        side_w = width - margin - right
        for scale in (1.0, 0.92, 0.85, 0.78, FLOOR):
            fitted = _fit_side(side, ranking, after, right, y, side_w, room, scale)
            if fitted:
                if chart_w:
                    boxes.append(Box("chart", margin, y, chart_w, chart_w * IMAGE_SIZE[1] / IMAGE_SIZE[0]))
                return boxes + fitted
    raise ValueError(f"slide {index} ({slide.title[:40]!r}) does not fit a {width:.0f} × {height:.0f} pt page")


def _fit_side(side, ranking, others, x: float, y: float, w: float, room: float, scale: float) -> list[Box] | None:
    """The right column at a scale: its paragraphs, then the ranking (in two columns when it is long) and the
    rest under it; None when it is higher than `room`."""
    first = measure(side, w, scale)
    boxes = [Box("side", x, y, w, first, side, scale)]
    rest = room - first - GAP / 2
    if not ranking and not others:
        return boxes if first <= room else None
    if len(ranking) > RANKING_ONE_COLUMN:
        half = (len(ranking) + 1) // 2
        col = (w - GAP) / 2
        parts = [Box("ranking", x + i * (col + GAP), y + first + GAP / 2, col, measure(part, col, scale), part,
                     scale) for i, part in enumerate((ranking[:half], ranking[half:]))]
        ranking_h = max(b.h for b in parts)
    else:
        ranking_h = measure(ranking, w, scale)
        parts = [Box("ranking", x, y + first + GAP / 2, w, ranking_h, ranking, scale)] if ranking else []
    others_h = measure(others, w, scale)
    if ranking_h + GAP / 2 + others_h > rest:
        return None
    return boxes + parts + [Box("side", x, y + first + ranking_h + GAP, w, others_h, others, scale)]
