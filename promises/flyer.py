"""The återkoppling of one area as a one-page A4 PDF for the notice board and the meeting (reportlab; its Helvetica
covers å, ä, ö and the dashes). The same words and numbers as the page (promises/feedback.py). When the text does
not fit one page the type is made smaller, step by step; at the smallest size what is left is cut with a line
saying that the rest is on the web page. Each promise shows its first actions and the start of its text, so
that the third part, how it has gone, is not what gets cut."""
from __future__ import annotations

import io
from xml.sax.saxutils import escape

from views.texts import t

from .feedback import change_sentence

SCALES = (1.0, 0.9, 0.8, 0.72, 0.65)
# A notice board's page: the first promises, their first actions and a short text; the page has the rest.
MAX_PROMISES, MAX_ACTIONS, MAX_TEXT = 3, 5, 300


def styles(scale: float) -> dict:
    from reportlab.lib.styles import ParagraphStyle

    def style(name, size, bold=False, before=0.0, colour="#000000"):
        return ParagraphStyle(name, fontName="Helvetica-Bold" if bold else "Helvetica", fontSize=size * scale,
                              leading=size * scale * 1.25, spaceBefore=before * scale, textColor=colour)
    return {"title": style("title", 24, True), "sub": style("sub", 11, colour="#333333"),
            "h2": style("h2", 15, True, 12, "#0b4fb3"), "h3": style("h3", 12, True, 6),
            "body": style("body", 11, before=2), "small": style("small", 9, before=2, colour="#333333"),
            "big": style("big", 13, True, 4)}


def flowables(feedback: dict, lang: str, demo: bool, s: dict) -> list:
    from reportlab.platypus import Paragraph

    def p(text: str, style: str):
        return Paragraph(escape(text), s[style])
    out = [p(t("feedback_title", lang, area=feedback["area"]), "title"),
           p(feedback["intro"], "sub")]
    if demo:
        out.append(p(t("demo_banner", lang), "small"))
    out.append(p("1. " + t("feedback_answered_heading", lang), "h2"))
    for a in feedback["answers"]:
        if a["share"] is None:
            out.append(p(t("feedback_answer_hidden", lang, question=a["question"]), "body"))
            continue
        out.append(p(f"{a['value']} {a['question']}", "big" if a["headline"] else "h3"))
        out.append(p(t("feedback_interval", lang, answers=a["answers"], low=a["low"], high=a["high"], n=a["n"]),
                     "small"))
    out.append(p("2. " + t("feedback_doing_heading", lang), "h2"))
    for promise in feedback["promises"][:MAX_PROMISES]:
        out.append(p(promise["title"], "h3"))
        if promise["text"]:
            text = promise["text"]
            out.append(p(text if len(text) <= MAX_TEXT else text[:MAX_TEXT].rsplit(" ", 1)[0] + " …", "body"))
        out += [p(f"• {a['status_text']}: {a['what']}" + (f" ({a['who']})" if a["who"] else ""), "body")
                for a in promise["actions"][:MAX_ACTIONS]]
        if len(promise["actions"]) > MAX_ACTIONS:
            out.append(p(t("feedback_flyer_more_actions", lang, n=len(promise["actions"]) - MAX_ACTIONS), "small"))
    if len(feedback["promises"]) > MAX_PROMISES:
        out.append(p(t("feedback_flyer_more", lang), "small"))
    if not feedback["promises"]:
        out.append(p(t("feedback_no_promises", lang), "body"))
    out.append(p("3. " + t("feedback_results_heading", lang), "h2"))
    sentences = [change_sentence(i, lang) for promise in feedback["promises"] for i in promise["indicators"]]
    out += [p("• " + s_, "body") for s_ in sentences] or [p(t("feedback_no_indicators", lang), "body")]
    out.append(p(t("feedback_method_note", lang), "small"))
    return out


def footer(canvas, text: str, url: str, width: float) -> None:
    """The page's address at the foot, and as a QR code beside it when it is a full URL (a phone opens the page)."""
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.units import mm

    canvas.setFont("Helvetica", 9)
    canvas.setFillColor("#333333")
    canvas.drawString(18 * mm, 12 * mm, text)
    if url.startswith(("http://", "https://")):
        size = 26 * mm
        code = QrCodeWidget(url)
        x0, y0, x1, y1 = code.getBounds()
        drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
        drawing.add(code)
        renderPDF.draw(drawing, canvas, width - 18 * mm - size, 6 * mm)


def flyer_pdf(feedback: dict, lang: str, demo: bool = False, url: str = "") -> bytes:
    """One A4 page (portrait), 18 mm margins."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Frame, Paragraph

    width, height = A4
    for scale in SCALES:
        s = styles(scale)
        story = flowables(feedback, lang, demo, s)
        frame = Frame(18 * mm, 42 * mm, width - 36 * mm, height - 60 * mm, leftPadding=0, rightPadding=0,
                      topPadding=0, bottomPadding=0, showBoundary=0)
        out = io.BytesIO()
        canvas = Canvas(out, pagesize=A4, pageCompression=1)
        canvas.setTitle(t("feedback_title", lang, area=feedback["area"]))
        canvas.setAuthor("Trygghetskartan")
        canvas.setSubject(t("feedback_flyer", lang))
        left = list(story)
        frame.addFromList(left, canvas)
        if left and scale == SCALES[-1]:  # still too long at the smallest type: say where the rest is
            Frame(18 * mm, 32 * mm, width - 36 * mm, 10 * mm, leftPadding=0, rightPadding=0, topPadding=0,
                  bottomPadding=0).addFromList([Paragraph(escape(t("feedback_flyer_more", lang)), s["small"])],
                                               canvas)
        elif left:
            continue
        footer(canvas, t("feedback_flyer_footer", lang, url=url or "/aterkoppling"), url, width)
        canvas.showPage()
        canvas.save()
        return out.getvalue()
    raise AssertionError("unreachable: the smallest scale always returns")
