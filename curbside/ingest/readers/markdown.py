"""Markdown → headed blocks → sectioned passages; the passage-making step every text format shares.

`parse_markdown` turns Markdown into `Block`s (headings, paragraphs, list items, numbered steps,
table rows, code) with character offsets into the file. `passages_from_blocks` turns any block
list into `Passage`s: the section path is the heading trail, a short list introduced by a line
ending in ":" stays with that line, and a table row carries the caption line above the table.
The HTML reader builds the same blocks, so both formats cite and group alike.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from ...language.clean import find_grade, normalize_space
from ...model import Passage

SECTION_SEPARATOR = " › "
MAX_PASSAGE_CHARS = 1000  # a longer paragraph is split at sentence boundaries
LEAD_IN_MAX_ITEMS = 8  # "a short list": longer lists keep one passage per item
LEAD_IN_MAX_CHARS = 600
LEAD_IN_MAX_PREFIX = 120  # a longer lead-in of a long list or table stays its own passage instead


@dataclass
class Block:
    kind: str  # heading, paragraph, item (bullet), step (numbered item), row (table), code
    text: str  # clean text: no markup; code keeps its line breaks
    start: int  # character offsets of the block in the document text
    end: int
    level: int = 0  # heading level 1-6, or list nesting depth (0 = top level)
    grade: str | None = None  # the grade it states, when that is not simply find_grade(text)


# -- long text -------------------------------------------------------------------------------

# A sentence end: punctuation, optional closing quote/bracket, then space. Common abbreviations
# are not sentence ends, so a cut never strands "e.g." from its example.
_SENTENCE_END = re.compile(r"(?<!\be\.g)(?<!\bi\.e)(?<!\bvs)(?<!\bDr)(?<!\bSt)[.!?;][\"')\]]*\s")


def split_spans(text: str, start: int, end: int, limit: int = MAX_PASSAGE_CHARS) -> list[tuple[int, int]]:
    """Cut text[start:end] into spans of at most `limit` characters, at sentence, line or word ends.

    No span starts or ends with whitespace, so offsets point at the words themselves.
    """
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    spans = []
    while end - start > limit:
        window = text[start : start + limit]
        cut = _last_boundary(window)
        spans.append((start, start + len(window[:cut].rstrip())))
        start += cut
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        spans.append((start, end))
    return spans


def _last_boundary(window: str) -> int:
    floor = len(window) // 3  # never cut so early that the piece is a fragment
    sentence_ends = [m.end() for m in _SENTENCE_END.finditer(window) if m.end() > floor]
    if sentence_ends:
        return sentence_ends[-1]
    for separator in ("\n", " "):
        at = window.rfind(separator)
        if at > floor:
            return at + 1
    return len(window)


# -- inline markup ---------------------------------------------------------------------------

# (a character the markup needs, its pattern, replacement): a rule whose character is absent is
# skipped, which keeps cleaning plain lines cheap.
_INLINE_RULES = [
    ("<", re.compile(r"<!--.*?-->", re.S), " "),
    ("<", re.compile(r"</?(?:br|p|div|span|sup|sub|b|i|em|strong|u|a|small|mark)\b[^>]*>", re.I), " "),
    ("!", re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # an image keeps its alt text
    ("[", re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # a link keeps its words
    ("*", re.compile(r"\*\*"), ""),
    ("*", re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])"), r"\1"),
    ("_", re.compile(r"(?<!\w)__(?=\S)(.+?)(?<=\S)__(?!\w)"), r"\1"),
    ("_", re.compile(r"(?<!\w)_(?=\S)([^_\n]+?)(?<=\S)_(?!\w)"), r"\1"),
    ("`", re.compile(r"`+"), ""),
    ("\\", re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>])"), r"\1"),
]


def clean_inline(text: str) -> str:
    """Words without Markdown markup, on one line."""
    for needs, pattern, replacement in _INLINE_RULES:
        if needs in text:
            text = pattern.sub(replacement, text)
    return normalize_space(html.unescape(text) if "&" in text else text)


# -- parsing ---------------------------------------------------------------------------------

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_LIST_ITEM = re.compile(r"^([ \t]*)([-*+]|\d{1,9}[.)])[ \t]+(\S.*)$")
_QUOTE = re.compile(r"^[ \t]*>[ ]?")
_MARKER = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_TABLE_DIVIDER = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)


def front_matter(text: str) -> dict[str, str]:
    """Simple `key: value` pairs from a YAML front-matter block at the top of a file."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}
    pairs = (line.split(":", 1) for line in match.group(1).splitlines() if ":" in line)
    return {key.strip().lower(): value.strip().strip("\"'") for key, value in pairs}


def _lines(text: str, offset: int) -> list[tuple[int, str]]:
    """(start offset, line without its line break) for each line from `offset` on."""
    lines = []
    for match in re.finditer(r"[^\n]*\n|[^\n]+\Z", text[offset:]):
        lines.append((offset + match.start(), match.group().rstrip("\r\n")))
    return lines


def _is_table_start(lines: list[tuple[int, str]], i: int) -> bool:
    return (
        "|" in lines[i][1]
        and i + 1 < len(lines)
        and "|" in lines[i + 1][1]
        and bool(_TABLE_DIVIDER.match(lines[i + 1][1]))
    )


def _starts_block(lines: list[tuple[int, str]], i: int) -> bool:
    line = lines[i][1]
    return bool(
        _FENCE.match(line)
        or _HEADING.match(line)
        or _RULE.match(line)
        or _LIST_ITEM.match(line)
        or _QUOTE.match(line)
        or _is_table_start(lines, i)
    )


def _continues_paragraph(lines: list[tuple[int, str]], i: int) -> bool:
    line = lines[i][1]
    return bool(line.strip()) and not _starts_block(lines, i) and not _SETEXT.match(line)


def _cells(line: str) -> list[str]:
    line = line.strip()
    line = line[1:] if line.startswith("|") else line
    line = line[:-1] if line.endswith("|") and not line.endswith("\\|") else line
    return [clean_inline(cell) for cell in _CELL_SPLIT.split(line)]


def table_row(headers: list[str], cells: list[str], start: int, end: int) -> Block:
    """A table row as "Header: value; Header: value".

    Its grade is looked for past the first cell: a first column holding "Grade 2" or "Class III"
    names a row of a scale (a severity grade, a heart-failure class), not an evidence grade.
    """
    return Block("row", _row_text(headers, cells), start, end, grade=find_grade(_row_text(headers[1:], cells[1:])))


def _row_text(headers: list[str], cells: list[str]) -> str:
    pairs = []
    for n, value in enumerate(cells):
        header = headers[n] if n < len(headers) else ""
        if value:
            pairs.append(f"{header}: {value}" if header else value)
    return "; ".join(pairs)


def _text_blocks(text: str, kind: str, start: int, end: int, level: int, clean) -> list[Block]:
    """One block for a span, or several when its clean text is longer than a passage may be."""
    whole = clean(text[start:end])
    if len(whole) <= MAX_PASSAGE_CHARS:
        return [Block(kind, whole, start, end, level)] if whole else []
    blocks = [Block(kind, clean(text[s:e]), s, e, level) for s, e in split_spans(text, start, end)]
    return [b for b in blocks if b.text]


def _unquote(raw: str) -> str:
    return clean_inline(" ".join(_QUOTE.sub("", line) for line in raw.splitlines()))


def _unmark_item(raw: str) -> str:
    return clean_inline(_MARKER.sub("", raw, count=1))


def _numbered(number: str):
    """A cleaner for a numbered step that keeps its number, so the order survives retrieval."""

    def clean(raw: str) -> str:
        words = _unmark_item(raw)
        return f"{number}. {words}" if words else ""

    return clean


def parse_markdown(text: str) -> list[Block]:
    """The blocks of a Markdown text, in order, with offsets into `text`."""
    match = _FRONT_MATTER.match(text)
    lines = _lines(text, match.end() if match else 0)
    blocks: list[Block] = []
    list_indents: list[int] = []  # indent of each open list level, outermost first

    def span_end(j: int) -> int:
        return lines[j][0] + len(lines[j][1])

    i = 0
    while i < len(lines):
        start, line = lines[i]
        if not line.strip():
            i += 1
            continue
        item = _LIST_ITEM.match(line)
        if not item:
            list_indents.clear()  # any other block closes the open lists
        if _FENCE.match(line):
            i = _fenced_code(lines, i, blocks)
        elif heading := _HEADING.match(line):
            if title := clean_inline(heading.group(2) or ""):
                blocks.append(Block("heading", title, start, span_end(i), len(heading.group(1))))
            i += 1
        elif _RULE.match(line):
            i += 1
        elif _is_table_start(lines, i):
            i = _table(lines, i, blocks)
        elif _QUOTE.match(line):
            j = i
            while j + 1 < len(lines) and _QUOTE.match(lines[j + 1][1]):
                j += 1
            blocks.extend(_text_blocks(text, "paragraph", start, span_end(j), 0, _unquote))
            i = j + 1
        elif item:
            indent = len(item.group(1).expandtabs(4))
            while list_indents and list_indents[-1] >= indent:
                list_indents.pop()
            depth = len(list_indents)
            list_indents.append(indent)
            j = _item_end(lines, i, indent)
            marker = item.group(2)
            if marker[0].isdigit():
                blocks.extend(_text_blocks(text, "step", start, span_end(j), depth, _numbered(marker[:-1])))
            else:
                blocks.extend(_text_blocks(text, "item", start, span_end(j), depth, _unmark_item))
            i = j + 1
        else:  # a paragraph: lines up to a blank line, an underline or the start of another block
            j = i
            while j + 1 < len(lines) and _continues_paragraph(lines, j + 1):
                j += 1
            if j + 1 < len(lines) and (underline := _SETEXT.match(lines[j + 1][1])):
                level = 1 if underline.group(1)[0] == "=" else 2
                blocks.append(Block("heading", clean_inline(text[start : span_end(j)]), start, span_end(j), level))
                i = j + 2
            else:
                blocks.extend(_text_blocks(text, "paragraph", start, span_end(j), 0, clean_inline))
                i = j + 1
    return blocks


def _fenced_code(lines: list[tuple[int, str]], i: int, blocks: list[Block]) -> int:
    """Add the code block opening at line i (dedented, line breaks kept); returns the next line.

    A long block is cut at line ends; each piece carries the whole fence's offsets.
    """
    marker = _FENCE.match(lines[i][1]).group(1)
    j = i + 1
    while j < len(lines) and not lines[j][1].strip().startswith(marker[0] * len(marker)):
        j += 1
    body_lines = [content for _, content in lines[i + 1 : j]]
    indent = min((len(c) - len(c.lstrip()) for c in body_lines if c.strip()), default=0)
    body = "\n".join(c[indent:].rstrip() for c in body_lines).strip("\n")
    last = lines[min(j, len(lines) - 1)]
    for s, e in split_spans(body, 0, len(body)) if body else []:
        blocks.append(Block("code", body[s:e], lines[i][0], last[0] + len(last[1])))
    return j + 1


def _table(lines: list[tuple[int, str]], i: int, blocks: list[Block]) -> int:
    """Add the rows of the table whose header is line i; returns the line after the table."""
    headers = _cells(lines[i][1])
    label = ""
    i += 2
    while i < len(lines) and "|" in lines[i][1] and lines[i][1].strip():
        cells = _cells(lines[i][1])
        # An empty first cell continues the row above (Markdown has no merged cells).
        if cells and not cells[0] and len(cells) > 1:
            cells[0] = label
        label = cells[0] if cells else ""
        row = table_row(headers, cells, lines[i][0], lines[i][0] + len(lines[i][1]))
        if row.text:
            blocks.append(row)
        i += 1
    return i


def _item_end(lines: list[tuple[int, str]], i: int, indent: int) -> int:
    """The last line of the list item starting at line i (lazy and indented continuations)."""
    j = i
    while j + 1 < len(lines):
        nxt = lines[j + 1][1]
        if nxt.strip() and not _starts_block(lines, j + 1):
            j += 1
            continue
        # A blank line then text indented past the marker is still this item.
        if not nxt.strip() and j + 2 < len(lines):
            after = lines[j + 2][1]
            after_indent = len(after) - len(after.lstrip())
            if after.strip() and after_indent > indent + 1 and not _starts_block(lines, j + 2):
                j += 2
                continue
        break
    return j


# -- passages --------------------------------------------------------------------------------


def first_heading(blocks: list[Block], level: int | None = None) -> str:
    """The text of the first heading (of `level`, if given), or ''."""
    for block in blocks:
        if block.kind == "heading" and (level is None or block.level == level):
            return block.text
    return ""


def passages_from_blocks(blocks: list[Block], source_id: str, root: str, first_order: int = 0) -> list[Passage]:
    """Passages from blocks; sections are `root › H2 › H3 ...`, and an H1 takes the root's place.

    A passage's grade is only what its own text states. A grade printed on a heading is kept
    in `section` but not copied down: the lines under "Drug X (Grade A)" include adverse
    effects and doses, which that grade does not describe.
    """
    return _PassageMaker(blocks, source_id, root, first_order).run()


class _PassageMaker:
    def __init__(self, blocks: list[Block], source_id: str, root: str, first_order: int):
        self.blocks = blocks
        self.source_id = source_id
        self.first_order = first_order
        self.trail: list[tuple[int, str]] = [(1, root)] if root else []
        self.passages: list[Passage] = []

    def run(self) -> list[Passage]:
        i = 0
        while i < len(self.blocks):
            block = self.blocks[i]
            if block.kind == "heading":
                self.trail = [(lv, title) for lv, title in self.trail if lv < block.level] + [(block.level, block.text)]
                i += 1
            elif block.kind == "row":
                i = self._table(i, caption="")
            else:
                i = self._unit(i, prefix="")
        return self.passages

    def _add(self, text: str, start: int, end: int, grade: str | None = None) -> None:
        self.passages.append(
            Passage(
                source_id=self.source_id,
                order=self.first_order + len(self.passages),
                section=SECTION_SEPARATOR.join(title for _, title in self.trail),
                text=text,
                start=start,
                end=end,
                grade=find_grade(text) if grade is None else grade,
            )
        )

    def _table(self, i: int, caption: str) -> int:
        # The caption line over a table rides on each row, so a row read alone makes sense.
        while i < len(self.blocks) and self.blocks[i].kind == "row":
            row = self.blocks[i]
            grade = (find_grade(caption) or row.grade) if caption else row.grade
            self._add(f"{caption} — {row.text}" if caption else row.text, row.start, row.end, grade)
            i += 1
        return i

    def _unit(self, i: int, prefix: str) -> int:
        """Emit block i with whatever list it introduces; returns the index after what it used."""
        lead = self.blocks[i]
        introduces = lead.text.endswith(":") and lead.kind != "code"
        captions = introduces and not prefix and len(lead.text) <= LEAD_IN_MAX_PREFIX
        if captions and i + 1 < len(self.blocks) and self.blocks[i + 1].kind == "row":
            return self._table(i + 1, caption=lead.text[:-1].rstrip())
        end = self._list_end(i)
        children = self.blocks[i + 1 : end]
        say = f"{prefix} {lead.text}" if prefix else lead.text
        if children and self._short(lead, children):
            text = "\n".join([say] + [f"- {child.text}" for child in children])
            self._add(text, lead.start, children[-1].end)
            return end
        if children and introduces and len(lead.text) <= LEAD_IN_MAX_PREFIX:
            j = i + 1
            while j < end:
                j = self._unit(j, prefix=say)
            return end
        self._add(say, lead.start, lead.end)
        return i + 1

    def _list_end(self, i: int) -> int:
        """The end of the list items block i introduces: all of a list after a paragraph ending
        in ':', or the items nested under an item."""
        lead = self.blocks[i]
        if lead.kind == "paragraph" and not lead.text.endswith(":"):
            return i + 1
        if lead.kind not in ("paragraph", "item", "step"):
            return i + 1
        min_depth = 0 if lead.kind == "paragraph" else lead.level + 1
        j = i + 1
        while j < len(self.blocks) and self.blocks[j].kind in ("item", "step") and self.blocks[j].level >= min_depth:
            j += 1
        return j

    @staticmethod
    def _short(lead: Block, children: list[Block]) -> bool:
        if any(child.kind == "step" for child in children):
            return False  # numbered steps stay one passage each
        size = len(lead.text) + sum(len(child.text) + 3 for child in children)
        return len(children) <= LEAD_IN_MAX_ITEMS and size <= LEAD_IN_MAX_CHARS
