"""One NGC summary field's blocks → passages a later stage can cite on their own.

"Major Recommendations" is cut into recommendation-sized passages: one per list item or
paragraph, under the path of headings above it ("Major Recommendations › Treatment › Chronic
Examplitis"); a short list stays with the line that introduces it, a long one gives each item that
line as context; a line stating only a grade joins the recommendation it grades; grade definitions
at the end go under "Major Recommendations › Definitions" and are never graded themselves. Other
fields are packed into section-sized passages.

A passage's `start`/`end` are offsets into the field's clean text (see `ngc_html`), and its text
is that span, preceded by the context it carries ("Lead-in: item") when it has one.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from ...language.clean import find_grade
from ...language.doses import parse_doses
from ...model import Passage
from .markdown import SECTION_SEPARATOR, split_spans
from .ngc_html import RECOMMENDING, Block, field_blocks
from .ngc_units import joined_units

RECOMMENDATIONS = "Major Recommendations"
DEFINITIONS = "Definitions"

# Passage sizes. A lead-in line keeps its list items in one passage up to GROUP_MAX_CHARS (unless
# two or more items carry their own grades: those are separate recommendations); past that, each
# item carries the lead-in as context if it introduces them (ends in ":" or "?") and is no longer
# than LEAD_IN_MAX_CHARS; otherwise the lead-in is a passage of its own.
MAX_PASSAGE_CHARS = 1200
GROUP_MAX_CHARS = 800
LIST_CHUNK_CHARS = 600  # the short items of a long list are packed into passages of this size
LEAD_IN_MAX_CHARS = 200
ROW_ALONE_CHARS = 300  # a table row this long stands alone; shorter rows are packed together
GRADE_LINE_MAX_CHARS = 120  # "Quality of Evidence: Low" on its own line belongs to the text above
GRADE_NOTE_MAX_CHARS = 300  # ... as does a short note that opens with the grade
# NGC puts the definitions of grades (and the abbreviations) under one of these at the end.
_DEFINITIONS_HEADING = re.compile(r"^(?:definitions|abbreviations)$", re.I)
# NGC's pointer to those definitions ("... are defined at the end of the "Major Recommendations"
# field") is navigation for the web page, not guideline text.
_POINTER = re.compile(r'at the end of the "Major Recommendations" field', re.I)
_PROFILE_LABEL = re.compile(r"^([A-Z][A-Za-z ,/'-]{1,50}):\s+\S")
_GRADE_LABEL = re.compile(r"evidence|quality|strength|level|grade|recommendation|policy|certainty", re.I)
PROFILE_LABEL_MAX_WORDS = 6
_NOT_PROVIDED = re.compile(
    r"^(?:none|not)\s+(?:provided|stated|available|applicable|specified|identified|reported)\b", re.IGNORECASE
)
NOT_PROVIDED_MAX_CHARS = 120


def field_passages(
    source_id: str, name: str, markup: str, first_order: int = 0, counts: Counter | None = None
) -> list[Passage]:
    """The passages of one field; their section paths start with the field's name. `counts`, if
    given, gets how many fragments were joined and list items packed (bench/passage_structure.py)."""
    counts = counts if counts is not None else Counter()
    text, blocks = field_blocks(markup)
    if not text or (len(text) <= NOT_PROVIDED_MAX_CHARS and _NOT_PROVIDED.match(text)):
        return []
    cut = _PassageMaker(source_id, name, text, blocks, first_order, counts).run()
    return joined_units(cut, text, counts)


# The same lines are asked for their grade several times while deciding how to group them.
_grade = lru_cache(maxsize=4096)(find_grade)


def _grade_of(context: str, body: str) -> str:
    """The grade a passage states: its lead-in's ("Class I") and its own ("Level of evidence B")."""
    return "; ".join(dict.fromkeys(grade for grade in (_grade(context), _grade(body)) if grade))


def _with_context(context: str, text: str) -> str:
    if not context:
        return text
    return f"{context} {text}" if context.endswith(":") else f"{context} — {text}"


class _PassageMaker:
    """Walks a field's blocks once, keeping the heading trail, and emits passages in order.

    "Major Recommendations" is cut into recommendation-sized passages; other fields (scope,
    benefits, harms ...) into section-sized ones, packed up to MAX_PASSAGE_CHARS.
    """

    def __init__(self, source_id: str, name: str, text: str, blocks: list[Block], first_order: int, counts: Counter):
        self.source_id, self.name, self.text, self.blocks = source_id, name, text, blocks
        self.first_order, self.counts = first_order, counts
        self.root = [name]
        self.trail: list[tuple[float, str]] = []  # (rank, heading); smaller rank = higher level
        self.in_definitions = False
        self.grade_context = ""  # a "Class I" line heading the recommendations below it
        self.passages: list[Passage] = []
        self.last_block = -1  # the block the latest passage ends on
        self.last_was_grade = False  # ... whether that block is a line stating only a grade
        self.last_context = ""  # ... and the context that passage carries

    def run(self) -> list[Passage]:
        i = 0
        while i < len(self.blocks):
            block = self.blocks[i]
            if block.kind == "heading":
                self.heading(block)
                i += 1
            elif self.name != RECOMMENDATIONS:
                i = self.pack(i, lambda b: b.kind != "heading")
            elif block.kind == "row":
                i = self.table(i, self.grade_context)
            elif block.kind == "paragraph" and _POINTER.search(block.text):
                i += 1
            elif self.grades_last_passage(i):
                self.extend_last(i)
                i += 1
            elif self.is_profile_line(block) and i + 1 < len(self.blocks) and self.is_profile_line(self.blocks[i + 1]):
                i = self.pack(i, self.is_profile_line)
            elif self.is_grade_line(block) and not self.in_definitions:
                self.grade_context = block.text
                self.last_block, self.last_was_grade = i, False
                i += 1
            else:
                i = self.unit(i, self.grade_context)
        return self.passages

    def heading(self, block: Block) -> None:
        self.grade_context = ""
        if self.name == RECOMMENDATIONS and not self.in_definitions and _DEFINITIONS_HEADING.match(block.text):
            # Everything after this heading explains grades and abbreviations; none of it recommends.
            self.in_definitions = True
            self.root = [self.name, DEFINITIONS]
            self.trail = [] if block.text.lower() == DEFINITIONS.lower() else [(0, block.text)]
            return
        if self.trail and self.trail[-1][1] == block.text:
            return  # the same heading printed twice in a row
        rank = block.level + (0.5 if block.numbered else 0)
        self.trail = [(r, title) for r, title in self.trail if r < rank] + [(rank, block.text)]

    def unit(self, i: int, context: str) -> int:
        """Emit block i with the list items it introduces; returns the index after them."""
        lead = self.blocks[i]
        end = self.items_end(i)
        if end == i + 1 and lead.text.endswith(":") and end < len(self.blocks) and self.blocks[end].kind == "row":
            return self.table(end, _with_context(context, lead.text))
        if end == i + 1:
            self.add(context, lead.start, lead.end, i)
            return end
        last = self.blocks[end - 1]
        graded_items = sum(1 for item in self.blocks[i + 1 : end] if _grade(item.text))
        if last.end - lead.start <= GROUP_MAX_CHARS and graded_items < 2:
            self.add(context, lead.start, last.end, end - 1)
            return end
        if lead.text.endswith((":", "?")) and len(lead.text) <= LEAD_IN_MAX_CHARS:
            context = _with_context(context, lead.text)
        else:
            self.add(context, lead.start, lead.end, i)  # a statement of its own, or too long to repeat
        j = i + 1
        while j < end:
            j = self.item_run(j, end, context) or self.unit(j, context)
        return end

    def item_run(self, j: int, end: int, context: str) -> int:
        """Pack a run of short ungraded items of a long list (no sub-items) into one passage up to
        LIST_CHUNK_CHARS, with the list's lead-in once; returns the index after it, or 0 if
        block j does not start such a run."""

        def packable(k: int) -> bool:
            item = self.blocks[k]
            return (
                self.items_end(k) == k + 1
                and not _grade(item.text)
                and item.end - self.blocks[j].start <= LIST_CHUNK_CHARS
            )

        k = j
        while k < end and packable(k):
            k += 1
        if k - j < 2:
            return 0
        start = self.blocks[j].start
        if not context:
            start = self.text.rfind("\n", 0, start) + 1  # keep the first item's "- " like the rest
        self.add(context, start, self.blocks[k - 1].end, k - 1)
        self.counts["list_items_kept_together"] += k - j
        return k

    def items_end(self, i: int) -> int:
        """The end of the list block i introduces: items nested under an item, or the list
        after a paragraph ending in ':'."""
        lead = self.blocks[i]
        if lead.kind == "item":
            depth = lead.level + 1
        elif lead.kind == "paragraph" and lead.text.endswith(":"):
            depth = 0
        else:
            return i + 1
        j = i + 1
        while j < len(self.blocks) and self.blocks[j].kind == "item" and self.blocks[j].level >= depth:
            j += 1
        return j

    def table(self, i: int, context: str) -> int:
        """Pack a table's short rows into passages; a long or graded row stands alone."""
        end, table = i, self.blocks[i].table
        while end < len(self.blocks) and self.blocks[end].kind == "row" and self.blocks[end].table == table:
            end += 1
        j = i
        while j < end:
            k = j
            if not self.row_alone(self.blocks[j]):
                while (
                    k + 1 < end
                    and not self.row_alone(self.blocks[k + 1])
                    and self.blocks[k + 1].label == self.blocks[j].label
                    and self.blocks[k + 1].end - self.blocks[j].start <= MAX_PASSAGE_CHARS
                ):
                    k += 1
            label = self.blocks[j].label
            if label and any(parse_doses(row.text) for row in self.blocks[j : k + 1]):
                self.counts["dose_rows_given_their_drug"] += sum(
                    1 for row in self.blocks[j : k + 1] if parse_doses(row.text)
                )
            self.add(context, self.blocks[j].start, self.blocks[k].end, k, label)
            j = k + 1
        return end

    def row_alone(self, row: Block) -> bool:
        return len(row.text) > ROW_ALONE_CHARS or (not self.in_definitions and bool(_grade(row.text)))

    def pack(self, i: int, belongs) -> int:
        """One passage per run of blocks that `belongs` accepts, up to MAX_PASSAGE_CHARS each."""
        j = i
        while j + 1 < len(self.blocks) and belongs(self.blocks[j + 1]):
            if self.blocks[j + 1].end - self.blocks[i].start > MAX_PASSAGE_CHARS:
                break
            j += 1
        start = self.blocks[i].start
        if j > i and self.blocks[i].kind == "item":
            start = self.text.rfind("\n", 0, start) + 1  # keep the first item's "- " like the rest
        self.add(self.grade_context if self.name == RECOMMENDATIONS else "", start, self.blocks[j].end, j)
        return j + 1

    @staticmethod
    def is_grade_line(block: Block) -> bool:
        """A short line that states a grade and nothing else ("Quality of Evidence: Low", "Class I")."""
        if block.kind == "row" or len(block.text) > GRADE_LINE_MAX_CHARS:
            return False
        grade = _grade(block.text)
        return bool(grade) and len(block.text.replace(grade, "").strip(" ()[]:;,.")) <= 15

    def grades_last_passage(self, i: int) -> bool:
        """Whether block i grades the passage just before it, which has no grade yet (or ends in
        grade lines): a grade line, or a note opening with its grade ("Strong recommendation based
        on observational studies ...") that recommends nothing itself."""
        block = self.blocks[i]
        if self.in_definitions or not self.passages or self.last_block != i - 1 or block.kind == "row":
            return False
        if not (self.last_was_grade or not self.passages[-1].grade):
            return False
        grade = _grade(block.text)
        note = bool(grade) and len(block.text) <= GRADE_NOTE_MAX_CHARS and block.text.lstrip("([").startswith(grade)
        return self.is_grade_line(block) or (note and not RECOMMENDING.search(block.text))

    @staticmethod
    def is_profile_line(block: Block) -> bool:
        """A "Label: value" line of a recommendation's profile ("Benefits: ...", "Policy level: ...").
        A graded line belongs only if its label is about the grade: "Topic: do X (Grade A)" is a
        recommendation of its own."""
        label = _PROFILE_LABEL.match(block.text)
        if not label or len(label.group(1).split()) > PROFILE_LABEL_MAX_WORDS:
            return False
        return not _grade(block.text) or bool(_GRADE_LABEL.search(label.group(1)))

    def extend_last(self, i: int) -> None:
        passage = self.passages[-1]
        passage.end = self.blocks[i].end
        passage.text = _with_context(self.last_context, self.text[passage.start : passage.end])
        passage.grade = _grade_of(self.last_context, self.text[passage.start : passage.end])
        self.last_block, self.last_was_grade = i, True

    def add(self, context: str, start: int, end: int, last_block: int, row_label: str = "") -> None:
        """`row_label`: the first cell of the row above that these table rows continue (the drug
        a dose row belongs to), added to the section path unless a heading there already says it."""
        path = self.root + [title for _, title in self.trail]
        if row_label and row_label.lower() not in path[-1].lower():
            path.append(row_label)
        section = SECTION_SEPARATOR.join(path)
        for piece_start, piece_end in split_spans(self.text, start, end, MAX_PASSAGE_CHARS):
            text = _with_context(context, self.text[piece_start:piece_end])
            self.passages.append(
                Passage(
                    source_id=self.source_id,
                    order=self.first_order + len(self.passages),
                    section=section,
                    text=text,
                    start=piece_start,
                    end=piece_end,
                    grade="" if self.in_definitions else _grade_of(context, self.text[piece_start:piece_end]),
                )
            )
        self.last_block, self.last_was_grade, self.last_context = last_block, False, context
