"""Every PDF the product writes, drawn one way: tagged PDF/UA-1, so a screen reader can read it to a parent.

WeasyPrint's "pdf/ua-1" variant writes the structure tree (headings, paragraphs, tables and lists in reading order,
from the HTML), marks the file as tagged, takes the language from <html lang> and the title from <title> (shown in
the reader's title bar, not the file name), and adds the PDF/UA identification to the XMP metadata.
"""

from __future__ import annotations

PDF_VARIANT = "pdf/ua-1"


def accessible_pdf(html: str) -> bytes:
    from weasyprint import HTML  # slow to import, and needed only here

    return HTML(string=html).write_pdf(pdf_variant=PDF_VARIANT)  # type: ignore[no-any-return]
