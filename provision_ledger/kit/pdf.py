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


# The templates every PDF is drawn from: compiled when a worker starts, with the fonts, so the first PDF a parent asks
# for is as quick as the tenth (the first took over 4 s: WeasyPrint's imports, fontconfig and Pango's font loading).
PDF_TEMPLATES = (
    "exports/statement.html",
    "nextsteps/letter_pdf.html",
    "outcomes/pack_pdf.html",
    "money/cost_statement.html",
    "family/records_request_pdf.html",
    "family/record_pdf.html",
    "family/letter_pdf.html",
)
_WARM_UP = """<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Warm-up</title><style>
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10pt; }
</style></head><body><h1>Provision Ledger</h1><p>Regular, <strong>bold</strong> and <em>italic</em> text: £1,234.56 –
“quoted”.</p><table><tr><th scope="col">Line</th><th scope="col">Delivered</th></tr><tr><td>Motor Skills</td>
<td>1 of 24 sessions, 4 %</td></tr></table><ul><li>One</li></ul></body></html>"""


def warm_up() -> int:
    """Load the PDF templates and draw one small PDF in the fonts the real ones use; returns its size in bytes."""
    from django.template.loader import get_template

    for name in PDF_TEMPLATES:
        get_template(name)
    return len(accessible_pdf(_WARM_UP))
