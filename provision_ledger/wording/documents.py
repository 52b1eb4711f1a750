"""Reading a plan's text out of what a person gives us: plain text, a Word document (DOCX) or a PDF.

One function, read_document(data, name), used by the check-wording command and the import page. It
returns text laid out the way the Section F splitter reads it (rules/wording.split_statements): a
Word list item becomes a bulleted line, a Word heading a heading line, a table row one statement
whose cells are joined by semicolons, and every other paragraph a paragraph of its own. Anything it
cannot read raises UnreadableDocument with a message for the person who gave it; nothing is stored.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator

# A Section F is a few pages; anything this big is not one.
MAX_BYTES = 50 * 1024 * 1024
# A DOCX is a zip: refuse one that would unpack to more than this, however small the file.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024


class UnreadableDocument(Exception):
    """The input cannot be read as a plan: the message says why, for the person who supplied it."""


def read_document(data: bytes, name: str) -> str:
    """The text of a plan from the bytes of a .txt, .docx or .pdf file (recognised by content, then by name)."""
    if len(data) > MAX_BYTES:
        raise UnreadableDocument(f"{name} is larger than 50 MB: that is not a plan's Section F.")
    suffix = name.rsplit(".", 1)[-1].casefold() if "." in name else ""
    if data.startswith(b"%PDF"):
        text = _pdf_text(data, name)
    elif data.startswith(b"PK\x03\x04"):
        text = _docx_text(data, name)
    elif suffix in ("pdf", "docx"):
        raise UnreadableDocument(f"{name} is not a {suffix.upper()} file: it may be damaged or in another format.")
    elif suffix == "doc" or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableDocument(f"{name} is an old Word (.doc) file: save it as .docx or PDF, or paste the text.")
    else:
        text = _plain_text(data, name)
    if not text.strip():
        raise UnreadableDocument(f"{name} is empty: there is no provision to check.")
    return text


def _plain_text(data: bytes, name: str) -> str:
    if b"\x00" in data:
        raise UnreadableDocument(f"{name} is not a text, Word (DOCX) or PDF file.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableDocument(f"{name} is not UTF-8 text (byte {error.start} cannot be read).") from error


# Word


def _docx_text(data: bytes, name: str) -> str:
    # Imported here: only a Word file needs them.
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise UnreadableDocument(f"{name} unpacks to more than 200 MB: that is not a plan's Section F.")
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as error:
        raise UnreadableDocument(f"{name} is not a Word (DOCX) document that can be read.") from error
    blocks: list[str] = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            blocks.extend(_table_rows(item))
            continue
        text = item.text.strip()
        if not text:
            continue
        style = (item.style.name if item.style is not None else "") or ""
        numbered = item._p.pPr is not None and item._p.pPr.numPr is not None
        if style.startswith(("Heading", "Title")):
            # A heading is never provision; the colon makes the splitter read it as one.
            blocks.append(text if text.endswith(":") else f"{text}:")
        elif numbered or "List" in style:
            blocks.append(f"• {text}")
        else:
            blocks.append(text)
    # List items follow one another; every other block stands on its own.
    out: list[str] = []
    for block in blocks:
        if out and not (block.startswith("• ") and out[-1].startswith("• ")):
            out.append("")
        out.append(block)
    return "\n".join(out)


def _table_rows(table: object) -> Iterator[str]:
    """One statement per row: its cells joined by semicolons; a header row of short labels is left out."""
    for index, row in enumerate(table.rows):  # type: ignore[attr-defined]
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            if text and text not in cells:  # a merged cell repeats its text
                cells.append(text)
        if not cells:
            continue
        if index == 0 and all(len(c.split()) <= 4 and not re.search(r"[0-9]", c) for c in cells):
            continue
        yield "; ".join(c.rstrip(".;") for c in cells) + "."


# PDF

_PAGE_FURNITURE = re.compile(r"^\s*(?:page\s+)?[0-9]{1,3}(?:\s+of\s+[0-9]{1,3})?\s*$", re.IGNORECASE)


def _pdf_text(data: bytes, name: str) -> str:
    from pypdf import PdfReader  # imported here: only a PDF needs it
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            # A PDF locked only against editing opens with an empty password; one that needs a password does not.
            try:
                opened = reader.decrypt("")
            except (DependencyError, NotImplementedError) as error:
                raise UnreadableDocument(
                    f"{name} is encrypted: remove its password (print it to a new PDF) or paste the text."
                ) from error
            if not opened:
                raise UnreadableDocument(
                    f"{name} is password-protected: remove the password (print it to a new PDF) or paste the text."
                )
        pages = [page.extract_text() or "" for page in reader.pages]
    except UnreadableDocument:
        raise
    except (PdfReadError, FileNotDecryptedError, ValueError, KeyError, TypeError, OSError) as error:
        raise UnreadableDocument(f"{name} is not a PDF that can be read: it may be damaged.") from error
    lines = [line for page in pages for line in page.splitlines() if not _PAGE_FURNITURE.match(line)]
    text = "\n".join(lines)
    if not text.strip():
        raise UnreadableDocument(
            f"{name} has no text to read: it may be a scan. Paste the text, or use a PDF saved from Word."
        )
    return text
