"""Every letter the product writes as an editable Word document (python-docx), drawn one way from plain blocks: the
sender, the date, the addressee, a heading, paragraphs, and a schedule of headings, paragraphs and tables.

A letter is turned into blocks where it is written (nextsteps/render.py, family/letters.py); this writes the blocks.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Table:
    header: Sequence[str]
    rows: Sequence[Sequence[object]]


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Heading | Paragraph | Table | PageBreak


def document_bytes(blocks: Sequence[Block]) -> bytes:
    from docx import Document  # slow to import, and needed only here

    document = Document()
    for block in blocks:
        if isinstance(block, Heading):
            document.add_heading(block.text, level=block.level)
        elif isinstance(block, Paragraph):
            document.add_paragraph(block.text)
        elif isinstance(block, Table):
            _table(document, block.header, block.rows)
        else:
            document.add_page_break()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _table(document: Any, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = str(value)
