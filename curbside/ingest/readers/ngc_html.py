"""One NGC summary field's HTML → blocks of clean text that keep what the layout says.

NGC summaries (ECRI's HTML inside the XML) mark headings by emphasis rather than <h> tags: an
underlined bold line is a top heading, a bold line the next level, an italic line the one below.
Lists and tables carry the structure of recommendations, so list items keep their nesting depth
and table rows carry their column headers ("Rating: 2; Comments: ...").

The field's clean text is every block on its own line, list items marked "- " and indented two
spaces per level; a block's `start`/`end` are its offsets in that text (after any marker).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from lxml import etree, html

from ...language.clean import find_grade, normalize_space

# Emphasis flags of a piece of text, from the tags and inline styles around it.
BOLD, UNDERLINE, ITALIC = 1, 2, 4

# Heading rank by emphasis; a numbered heading ("Variant 2", "Recommendation 3") sits half a step
# below an unnumbered one of the same style, so it nests under it instead of replacing it.
_RANK_BY_TAG = {"h1": 1, "h2": 1, "h3": 2, "h4": 3, "h5": 4, "h6": 4}
_NUMBERED_HEADING = re.compile(r"^[A-Z][\w/-]*(?: [\w/-]+){0,3} [0-9]+[A-Za-z]?\b")
HEADING_MAX_CHARS = 250
HEADING_MAX_SENTENCE_WORDS = 12  # an emphasised full sentence longer than this is text
# A fully bold line that recommends something is a recommendation, not a heading.
RECOMMENDING = re.compile(
    r"\b(?:should|must|recommends?|suggests?|(?:is|are) (?:not )?(?:recommended|suggested|indicated|appropriate))\b",
    re.IGNORECASE,
)

_BLOCK_TAGS = {
    "address",
    "article",
    "aside",
    "blockquote",
    "caption",
    "center",
    "dd",
    "div",
    "dl",
    "dt",
    "figure",
    "footer",
    "header",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "ul",
    *_RANK_BY_TAG,
}
_SKIP_TAGS = {"script", "style", "head", "title", "noscript", "iframe", "object"}
# Superscripts that are symbols, not exponents or footnote marks, join the text as they are.
_PLAIN_SUPERSCRIPT = re.compile(r"^[®™©°]*$")
# A superscript right after a word of three or more letters is a footnote mark ("metformin^3",
# "azithromycin^d,e"), not an exponent ("10^9", "mg/m^2", "cells/mm^3"): it is set off by a space
# ("metformin ^3") so every tokenizer sees the word clean, and the caret still marks it as a
# footnote. Not "[3]": find_grade reads a bracketed letter ("[A]") as a grade.
_WORD_BEFORE_FOOTNOTE = re.compile(r"[A-Za-z]{3,}$")
# UTF-8 read as Windows-1252 or Latin-1 and saved again ("CriteriaÂ®", "â€“", "â\x80\x93"): a lead
# byte and its continuation bytes (0x80-0xBF), each shown as the character either decoding gives.
_CONTINUATION = (
    "[" + re.escape("".join(chr(b) + bytes([b]).decode("cp1252", "ignore") for b in range(0x80, 0xC0))) + "]"
)
_MOJIBAKE = re.compile(
    f"[\u00c2-\u00df]{_CONTINUATION}|[\u00e0-\u00ef]{_CONTINUATION}{{2}}|[\u00f0-\u00f4]{_CONTINUATION}{{3}}"
)
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u00ad\ufeff"))
_LIGATURES = re.compile("[\ufb00-\ufb06]")


@dataclass
class Block:
    kind: str  # heading, paragraph, item (list item), row (table row)
    text: str
    level: int = 0  # list depth for items; heading rank (1 = top) for headings
    numbered: bool = False  # a heading like "Variant 2: ..." (nests under an unnumbered one)
    table: int = -1  # which table of the field a row belongs to
    label: str = (
        ""  # a row's first cell when it is left blank or spanned from a row above (the drug a dose row belongs to)
    )
    start: int = 0
    end: int = 0


def repair_text(text: str) -> str:
    """Undo double-encoded UTF-8, spell out ligatures and drop invisible characters."""
    text = _MOJIBAKE.sub(_undo_mojibake, text)
    text = _LIGATURES.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    return text.translate(_INVISIBLE)


def _undo_mojibake(match: re.Match) -> str:
    raw = bytearray()
    for char in match.group():
        try:
            raw += char.encode("cp1252")
        except UnicodeEncodeError:
            if ord(char) > 0xFF:
                return match.group()
            raw.append(ord(char))  # read as Latin-1
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return match.group()


def plain_text(markup: str) -> str:
    """A short field (a title, a citation) as one line of clean text."""
    return normalize_space(" ".join(block.text for block in field_blocks(markup)[1]))


def field_blocks(markup: str) -> tuple[str, list[Block]]:
    """(clean text of the field, its blocks with offsets into that text)."""
    builder = _Builder()
    root = _parse(repair_text(markup))
    if root is not None:
        builder.container(root, "paragraph", 0, 0)
    lines, offset = [], 0
    for block in builder.blocks:
        marker = "  " * block.level + "- " if block.kind == "item" else ""
        block.start = offset + len(marker)
        block.end = block.start + len(block.text)
        lines.append(marker + block.text)
        offset = block.end + 1
    return "\n".join(lines), builder.blocks


def _parse(markup: str):
    if not markup or not markup.strip():
        return None
    try:
        return html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return None


def _style_of(el, inherited: int) -> int:
    tag, style = el.tag, (el.get("style") or "").lower().replace(" ", "")
    if tag in ("strong", "b", "th") or "font-weight:bold" in style:
        inherited |= BOLD
    if tag == "u" or "underline" in style:
        inherited |= UNDERLINE
    if tag in ("em", "i") or "font-style:italic" in style:
        inherited |= ITALIC
    return inherited


class _Builder:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.tables = 0

    def container(self, el, kind: str, depth: int, style: int, rank: int = 0) -> None:
        """Emit the blocks inside a block element, gathering loose inline text into lines."""
        pieces: list[tuple[str, int]] = []
        style = _style_of(el, style)
        if el.text:
            pieces.append((el.text, style))
        for child in el:
            tag = child.tag.lower() if isinstance(child.tag, str) else None
            if tag in _BLOCK_TAGS:
                self.flush(pieces, kind, depth, rank)
                pieces = []
                self.block(child, tag, kind, depth, style)
            elif tag is not None and tag not in _SKIP_TAGS:
                self.inline(child, tag, style, pieces)
            if child.tail:
                pieces.append((child.tail, style))
        self.flush(pieces, kind, depth, rank)

    def block(self, el, tag: str, kind: str, depth: int, style: int) -> None:
        if tag in ("ul", "ol", "dl"):
            # Items of a list inside a list item sit one level deeper than that item.
            item_depth = depth + 1 if kind == "item" else depth
            for child in el:
                if isinstance(child.tag, str):
                    self.container(child, "item", item_depth, style)
        elif tag == "table":
            self.table(el)
        elif tag in _RANK_BY_TAG:
            self.container(el, kind, depth, style, rank=_RANK_BY_TAG[tag])
        elif tag != "hr":
            self.container(el, kind, depth, style)

    def inline(self, el, tag: str, style: int, pieces: list[tuple[str, int]]) -> None:
        if tag == "br":
            pieces.append(("\n", style))
        elif tag == "img":
            alt = el.get("alt") or ""
            # NGC's only icon is the radiation-dose symbol in imaging tables (one per dose step).
            pieces.append(("☢" if "radioactive" in alt.lower() else f" {alt} ", style))
        elif tag == "sup":
            text = normalize_space(el.text_content())
            if _PLAIN_SUPERSCRIPT.match(text):
                pieces.append((text, style))
            else:
                before = pieces[-1][0] if pieces else ""
                pieces.append((f" ^{text}" if _WORD_BEFORE_FOOTNOTE.search(before) else f"^{text}", style))
        else:
            style = _style_of(el, style)
            if el.text:
                pieces.append((el.text, style))
            for child in el:
                if isinstance(child.tag, str) and child.tag.lower() not in _SKIP_TAGS:
                    self.inline(child, child.tag.lower(), style, pieces)
                if child.tail:
                    pieces.append((child.tail, style))

    def flush(self, pieces: list[tuple[str, int]], kind: str, depth: int, rank: int) -> None:
        """Turn gathered inline pieces into blocks: one per line for paragraphs, one per item."""
        lines: list[list[tuple[str, int]]] = [[]]
        for text, style in pieces:
            if text == "\n" and kind == "paragraph":
                lines.append([])
            else:
                lines[-1].append((" " if text == "\n" else text, style))
        for line in lines:
            text = normalize_space("".join(t for t, _ in line))
            if not text:
                continue
            if kind == "item":
                self.blocks.append(Block("item", text, level=depth))
                continue
            heading_rank = rank or _emphasis_rank(line)
            numbered = bool(_NUMBERED_HEADING.match(text))
            if heading_rank and _reads_as_heading(text, numbered):
                self.blocks.append(Block("heading", text.rstrip(":").rstrip(), level=heading_rank, numbered=numbered))
            else:
                self.blocks.append(Block("paragraph", text))

    def table(self, el) -> None:
        self.tables += 1
        rows = [tr for tr in el.iter("tr") if _nearest_table(tr) is el]
        header_rows = [tr for tr in rows if tr.getparent().tag == "thead"]
        if not header_rows:
            for tr in rows:
                if not _cells(tr) or any(cell.tag != "th" for cell in _cells(tr)):
                    break
                header_rows.append(tr)
        labels = [normalize_space(_cell_text(c)) for c in _spread(_cells(header_rows[-1]))] if header_rows else []
        caption = el.find("caption")
        if caption is not None:
            self.container(caption, "paragraph", 0, 0)
        body = [(tr, cells) for tr, cells in _first_column_spans(rows) if tr not in header_rows]
        widths = {len(cells) for tr, cells in body if tr.getparent().tag != "tfoot"}
        if labels and widths != {len(labels)}:
            # Headers that do not line up with the rows are kept as a row of their own.
            body = [(header_rows[-1], _spread(_cells(header_rows[-1])))] + body
            labels = []
        first_cell = ""
        for tr, cells in body:
            values = [normalize_space(_cell_text(c)) for c in cells]
            belongs_to = ""
            if values and values[0]:
                first_cell = values[0]
            elif len(values) > 1:
                belongs_to = first_cell  # blank or spanned first cell: the row belongs to the one above
            if tr.getparent().tag == "tfoot" or not labels:
                text = " | ".join(v for v in values if v)
            else:
                pairs = zip(labels, values, strict=False)
                text = "; ".join(f"{label}: {value}" if label else value for label, value in pairs if value)
            if text:
                self.blocks.append(Block("row", text, table=self.tables, label=belongs_to))


def _emphasis_rank(line: list[tuple[str, int]]) -> int:
    styles = [style for text, style in line if any(ch.isalnum() for ch in text)]
    if not styles:
        return 0
    if all(style & UNDERLINE for style in styles):
        return 2
    if all(style & BOLD for style in styles):
        return 3
    if all(style & ITALIC for style in styles):
        return 4
    return 0


def _reads_as_heading(text: str, numbered: bool) -> bool:
    """An emphasised line is a heading unless it is long, graded, a lead-in, a recommendation or
    a sentence (numbered headings such as "Variant 2: Age <40. Initial examination." excepted)."""
    if len(text) > HEADING_MAX_CHARS or find_grade(text) or text.lower().startswith("note"):
        return False
    words = len(text.split())
    if text.endswith(":") and words > 8:
        return False  # "X is appropriate when all of the following are met:" introduces a list
    if text.endswith(".") and words > HEADING_MAX_SENTENCE_WORDS and not numbered:
        return False
    return text.endswith("?") or not RECOMMENDING.search(text)


def _nearest_table(el):
    parent = el.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def _cells(tr) -> list:
    return [c for c in tr if c.tag in ("td", "th")]


def _first_column_spans(rows: list) -> list:
    """(row, its spread cells) with a blank cell put first where a first cell above spans the row
    (`rowspan`), so the row's values line up with the column labels."""
    out, spanned = [], 0
    for tr in rows:
        cells = _spread(_cells(tr))
        if spanned > 0:
            cells = [None, *cells]
            spanned -= 1
        elif cells and (cells[0].get("rowspan") or "").isdigit():
            spanned = min(int(cells[0].get("rowspan")), 50) - 1
        out.append((tr, cells))
    return out


def _spread(cells: list) -> list:
    """Cells repeated over the columns they span, the copies blank, so columns line up."""
    spread = []
    for cell in cells:
        spread.append(cell)
        span = int(cell.get("colspan")) if (cell.get("colspan") or "").isdigit() else 1
        spread.extend([None] * (min(span, 50) - 1))
    return spread


def _cell_text(cell) -> str:
    if cell is None:
        return ""
    inner = _Builder()
    inner.container(cell, "paragraph", 0, 0)
    return " ".join(block.text for block in inner.blocks)
