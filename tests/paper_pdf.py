"""Write small PDFs for tests, in pure Python (fpdf2 and the system's Noto CJK font), so the PDF tests
run in the fast suite without a browser. Each given line is one printed line, as a word processor
wraps a paragraph."""
from __future__ import annotations

from pathlib import Path

import pytest

CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


def write_pdf(path: Path, pages: list[list[str]], header: str = "", footer: str = "") -> Path:
    """A PDF of `pages` (lists of lines); `header` on top of every page, `footer` ("- {n} -") at its foot."""
    fpdf = pytest.importorskip("fpdf", reason="the PDF tests write their PDFs with fpdf2: pip install fpdf2")
    if not CJK_FONT.exists():
        pytest.skip(f"no CJK font at {CJK_FONT}: apt-get install fonts-noto-cjk")
    pdf = fpdf.FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("cjk", fname=str(CJK_FONT), collection_font_number=3)  # Noto Sans CJK TC
    for n, lines in enumerate(pages, 1):
        pdf.add_page()
        pdf.set_font("cjk", size=9)
        if header:
            pdf.set_xy(20, 10)
            pdf.cell(170, 5, header, align="R")
        pdf.set_font("cjk", size=11)
        pdf.set_xy(20, 25)
        for line in lines:
            pdf.set_x(20)
            pdf.cell(170, 7, line, new_x="LMARGIN", new_y="NEXT")
        if footer:
            pdf.set_font("cjk", size=9)
            pdf.set_xy(20, 280)
            pdf.cell(170, 5, footer.format(n=n), align="C")
    pdf.output(str(path))
    return path


def write_image_only_pdf(path: Path) -> Path:
    """A 'scanned' PDF: a page holding a drawing and no text layer."""
    fpdf = pytest.importorskip("fpdf", reason="the PDF tests write their PDFs with fpdf2: pip install fpdf2")
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 50, style="F")
    pdf.output(str(path))
    return path


def write_password_pdf(path: Path) -> Path:
    fpdf = pytest.importorskip("fpdf", reason="the PDF tests write their PDFs with fpdf2: pip install fpdf2")
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(0, 10, "1. A confidential paragraph.")
    pdf.set_encryption(owner_password="owner", user_password="user")
    pdf.output(str(path))
    return path


def write_raised_note_pdf(path: Path) -> Path:
    """A paragraph whose footnote mark is a small raised digit, as word processors print it, and
    the footnote at the foot of the page, its mark raised and smaller than its text."""
    fpdf = pytest.importorskip("fpdf", reason="the PDF tests write their PDFs with fpdf2: pip install fpdf2")
    if not CJK_FONT.exists():
        pytest.skip(f"no CJK font at {CJK_FONT}: apt-get install fonts-noto-cjk")
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.add_font("cjk", fname=str(CJK_FONT), collection_font_number=3)

    def write(size: int, height: int, text: str, raised: str = "") -> None:
        pdf.set_font("cjk", size=size)
        pdf.write(height, text)
        if raised:
            pdf.char_vpos = "SUP"
            pdf.write(height, raised)
            pdf.char_vpos = "LINE"
            pdf.set_font("cjk", size=size)

    write(11, 7, "4. 當局設立數字政策辦公室。", raised="2")
    write(11, 7, " 政府亦積極運用先進科技，目標是於2025年推出100個項目。\n")
    write(8, 5, "", raised="2")
    write(8, 5, " 數字辦負責制訂政策。\n")
    pdf.output(str(path))
    return path
