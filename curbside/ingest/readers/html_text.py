"""HTML → title, stated date and headed blocks, for the user-files reader.

Page furniture (scripts, styles, navigation, forms) is dropped and no tag survives into the
text. The blocks are those `markdown.passages_from_blocks` takes, so an HTML page is split
into sections, list items and table rows exactly as a Markdown file is. Offsets refer to the
page's clean text: every block's text joined by blank lines, in order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ...language.clean import normalize_space
from .markdown import MAX_PASSAGE_CHARS, Block, split_spans, table_row

# Elements that are never document text.
_DROP = {
    "script",
    "style",
    "nav",
    "noscript",
    "template",
    "svg",
    "head",
    "iframe",
    "object",
    "form",
    "button",
    "select",
    "canvas",
    "-comment",
}
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# Elements that start a new block; anything else is inline and joins the text around it.
_BLOCK_TAGS = {
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "center",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "header",
    "hr",
    "html",
    "li",
    "main",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "ul",
    *_HEADINGS,
}
# Where a page states its own date (scholarly, Dublin Core and Open Graph conventions).
_DATE_META = (
    "citation_publication_date",
    "citation_date",
    "dc.date",
    "dcterms.date",
    "dc.date.issued",
    "article:published_time",
)
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


@dataclass
class HtmlDocument:
    title: str
    date: str
    year: int | None
    blocks: list[Block] = field(default_factory=list)


def read_html(text: str) -> HtmlDocument:
    tree = LexborHTMLParser(text)
    title_node = tree.css_first("title")
    title = normalize_space(title_node.text()) if title_node else ""
    date = _stated_date(tree)
    year_match = _YEAR.search(date)
    builder = _BlockBuilder()
    root = tree.body or tree.root
    if root is not None:
        builder.walk(root)
    return HtmlDocument(
        title=title, date=date, year=int(year_match.group()) if year_match else None, blocks=builder.blocks
    )


def _stated_date(tree: LexborHTMLParser) -> str:
    for meta in tree.css("meta"):
        attrs = meta.attributes
        name = (attrs.get("name") or attrs.get("property") or "").lower()
        if name in _DATE_META and attrs.get("content"):
            return normalize_space(attrs["content"])
    return ""


class _BlockBuilder:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.offset = 0  # where the next block starts in the joined clean text

    def add(self, kind: str, text: str, level: int = 0, keep_lines: bool = False) -> None:
        text = text.strip("\n") if keep_lines else normalize_space(text)
        if not text:
            return
        pieces = [text] if len(text) <= MAX_PASSAGE_CHARS else [text[s:e] for s, e in split_spans(text, 0, len(text))]
        for piece in pieces:
            self.blocks.append(Block(kind, piece, self.offset, self.offset + len(piece), level))
            self.offset += len(piece) + 2

    def add_row(self, headers: list[str], cells: list[str]) -> None:
        row = table_row(headers, cells, self.offset, 0)
        if row.text:
            row.end = self.offset + len(row.text)
            self.blocks.append(row)
            self.offset = row.end + 2

    def walk(self, node: LexborNode, depth: int = 0) -> None:
        """Emit the blocks inside a container, gathering loose inline text into paragraphs."""
        inline: list[str] = []
        for child in node.iter(include_text=True):
            tag = child.tag
            if tag in _DROP:
                continue
            if tag not in _BLOCK_TAGS:
                inline.append(_inline_text(child))
                continue
            self.add("paragraph", "".join(inline))
            inline = []
            self.element(child, depth)
        self.add("paragraph", "".join(inline))

    def element(self, node: LexborNode, depth: int) -> None:
        tag = node.tag
        if tag in _HEADINGS:
            self.add("heading", _inline_text(node), level=_HEADINGS[tag])
        elif tag in ("ul", "ol"):
            self.list(node, depth)
        elif tag == "table":
            self.table(node)
        elif tag == "pre":
            self.add("code", node.text(deep=True), keep_lines=True)
        elif tag != "hr":
            self.walk(node, depth)

    def list(self, node: LexborNode, depth: int) -> None:
        number = _int(node.attributes.get("start"), 1)
        for item in node.iter():
            if item.tag != "li":
                continue
            nested = [child for child in item.iter() if child.tag in ("ul", "ol")]
            words = "".join(
                _inline_text(child) for child in item.iter(include_text=True) if child.tag not in ("ul", "ol", *_DROP)
            )
            if node.tag == "ol":
                if normalize_space(words):
                    self.add("step", f"{number}. {words}", level=depth)
                number += 1
            else:
                self.add("item", words, level=depth)
            for sub in nested:
                self.list(sub, depth + 1)

    def table(self, node: LexborNode) -> None:
        headers: list[str] = []
        for row in node.css("tr"):
            cells = [c for c in row.iter() if c.tag in ("td", "th")]
            texts = [normalize_space(_inline_text(c)) for c in cells]
            if not headers and cells and all(c.tag == "th" for c in cells):
                headers = texts
                continue
            self.add_row(headers, texts)


def _inline_text(node: LexborNode) -> str:
    """The text of an inline node, with <br> as a space and dropped elements left out."""
    if node.tag == "-text":
        return node.text(deep=False)
    if node.tag in _DROP:
        return ""
    if node.tag == "br":
        return " "
    text = "".join(_inline_text(child) for child in node.iter(include_text=True))
    # A block inside inline context (a <p> in an <li>) must not glue its words to its neighbours'.
    return f" {text} " if node.tag in _BLOCK_TAGS or node.tag in ("td", "th") else text


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default
