"""Where the text and the images of a PDF page stand, read back with pypdf: each line of text as (text, box) and
each image as a box, boxes as (left, top, right, bottom) in pt from the page's top left corner. Shared by the
slides' files (tests/unit/test_slide_files.py) and the lägesbild (tests/medborgarlofte/test_lagesbild.py)."""
from __future__ import annotations

from reportlab.pdfbase.pdfmetrics import stringWidth


def overlaps(a: tuple, b: tuple) -> bool:
    """Do two boxes (left, top, right, bottom) share any area (touching is not overlapping)?"""
    return a[0] < b[2] - 0.01 and b[0] < a[2] - 0.01 and a[1] < b[3] - 0.01 and b[1] < a[3] - 0.01


def page_boxes(page) -> tuple[list[tuple[str, tuple]], list[tuple]]:
    """The page's lines of text with the box of their ink, and its images (reportlab's drawImage)."""
    height = float(page.mediabox.height)
    lines, images = [], []

    def text(chunk, cm, tm, font, size):
        if not chunk.strip():
            return
        x, y = cm[4] + tm[4], cm[5] + tm[5]
        name = (font or {}).get("/BaseFont", "/Helvetica")[1:]
        w = stringWidth(chunk.strip(), name if name.startswith("Helvetica") else "Helvetica", size)
        # the ink of a line: cap height and accents above the baseline, descenders below
        lines.append((chunk.strip(), (x, height - y - size * 0.8, x + w, height - y + size * 0.21)))

    def operand(op, args, cm, tm):
        if op == b"cm" and len(args) == 6 and float(args[0]) > 100:  # reportlab's image: w 0 0 h x y cm
            w, h, x, y = (float(args[i]) for i in (0, 3, 4, 5))
            images.append((x, height - y - h, x + w, height - y))

    page.extract_text(visitor_text=text, visitor_operand_before=operand)
    return lines, images
