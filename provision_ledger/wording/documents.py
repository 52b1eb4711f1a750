"""Reading a plan's text out of what a person gives us: plain text, a Word document (DOCX) or a PDF.

One function, read_document(data, name), used by the check-wording command and the import page. It
returns text laid out the way the Section F splitter reads it (rules/wording.split_statements): a
Word list item becomes a bulleted line, a Word heading a heading line, a table row one statement
whose cells are joined by semicolons, and every other paragraph a paragraph of its own. Anything it
cannot read raises UnreadableDocument with a message for the person who gave it; nothing is stored.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from collections.abc import Iterator

logger = logging.getLogger(__name__)

# Limits checked before any parsing, so the work done on a file is bounded whatever is in it.
# A Section F is a few pages; anything this big is not one.
MAX_BYTES = 50 * 1024 * 1024
# A DOCX is a zip: a small file can unpack to gigabytes. Refuse by the sizes its directory declares
# (zipfile never inflates a part past its declared size, so the declaration cannot lie).
MAX_UNPACKED_BYTES = 40 * 1024 * 1024  # pictures included
MAX_PARTS = 2000
# The document's own XML, which is what is parsed: a long plan's is well under a megabyte or two.
MAX_DOCUMENT_XML_BYTES = 5 * 1024 * 1024
# A PDF: pages read, and the text kept; a whole plan is some tens of thousands of characters.
MAX_PAGES = 200
MAX_CHARACTERS = 1_000_000


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
    if len(text) > MAX_CHARACTERS:
        raise UnreadableDocument(f"{name} has more than 1,000,000 characters of text: that is not a plan.")
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

    unreadable = f"{name} is not a Word (DOCX) document that can be read: it may be damaged."
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_parts(archive.infolist(), name)
        document = docx.Document(io.BytesIO(data))
        # Style names by id, read once: python-docx looks each paragraph's style up by searching them all.
        style_names = {s.style_id: s.name or "" for s in document.styles}
        blocks = _docx_blocks(document, style_names, Table, name)
    except UnreadableDocument:
        raise
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as error:
        raise UnreadableDocument(unreadable) from error
    except Exception as error:
        # A damaged file can make the parsers fail in ways they do not document (lxml, zlib, python-docx):
        # whatever the failure, the person gets a message, never an error page.
        logger.warning("Word document could not be parsed: %r", error)
        raise UnreadableDocument(unreadable) from error
    # List items follow one another; every other block stands on its own.
    out: list[str] = []
    for block in blocks:
        if out and not (block.startswith("• ") and out[-1].startswith("• ")):
            out.append("")
        out.append(block)
    return "\n".join(out)


def _check_parts(parts: list[zipfile.ZipInfo], name: str) -> None:
    """Refuse a Word file by its declared sizes, before anything in it is inflated or parsed."""
    if len(parts) > MAX_PARTS:
        raise UnreadableDocument(f"{name} has more than {MAX_PARTS:,} parts inside it: that is not a plan.")
    if sum(info.file_size for info in parts) > MAX_UNPACKED_BYTES:
        raise UnreadableDocument(f"{name} unpacks to more than 40 MB: that is not a plan's Section F.")
    main = [info for info in parts if info.filename.casefold() == "word/document.xml"]
    if main and main[0].file_size > MAX_DOCUMENT_XML_BYTES:
        raise UnreadableDocument(
            f"{name} has more than 5 MB of document text and formatting: save only Section F, or paste it."
        )


def _docx_blocks(document: object, style_names: dict[str, str], table_type: type, name: str) -> list[str]:
    blocks: list[str] = []
    characters = 0
    for item in document.iter_inner_content():  # type: ignore[attr-defined]
        if characters > MAX_CHARACTERS:
            raise UnreadableDocument(f"{name} has more than 1,000,000 characters of text: that is not a plan.")
        if isinstance(item, table_type):
            rows = list(_table_rows(item))
            characters += sum(len(r) for r in rows)
            blocks.extend(rows)
            continue
        text = item.text.strip()
        if not text:
            continue
        characters += len(text)
        style = style_names.get(item._p.style or "", "")
        numbered = item._p.pPr is not None and item._p.pPr.numPr is not None
        if style.startswith(("Heading", "Title")):
            # A heading is never provision; the colon makes the splitter read it as one.
            blocks.append(text if text.endswith(":") else f"{text}:")
        elif numbered or "List" in style:
            blocks.append(f"• {text}")
        else:
            blocks.append(text)
    return blocks


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
        if len(reader.pages) > MAX_PAGES:
            raise UnreadableDocument(f"{name} has more than {MAX_PAGES} pages: give only the plan, or paste Section F.")
        pages: list[str] = []
        characters = 0
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            characters += len(pages[-1])
            if characters > MAX_CHARACTERS:
                raise UnreadableDocument(f"{name} has more than 1,000,000 characters of text: that is not a plan.")
    except UnreadableDocument:
        raise
    except (PdfReadError, FileNotDecryptedError, ValueError, KeyError, TypeError, OSError) as error:
        raise UnreadableDocument(f"{name} is not a PDF that can be read: it may be damaged.") from error
    except Exception as error:
        # pypdf can fail on a damaged file in ways it does not document; the person still gets a message.
        logger.warning("PDF could not be parsed: %r", error)
        raise UnreadableDocument(f"{name} is not a PDF that can be read: it may be damaged.") from error
    lines = [line for page in pages for line in page.splitlines() if not _PAGE_FURNITURE.match(line)]
    text = "\n".join(lines)
    if not text.strip():
        raise UnreadableDocument(
            f"{name} has no text to read: it may be a scan. Paste the text, or use a PDF saved from Word."
        )
    return text
