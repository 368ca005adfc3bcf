"""The user-files reader (Markdown, HTML, PDF, text) and the Markdown splitter it shares."""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import threading
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter

from curbside.config import Settings
from curbside.errors import InputError
from curbside.ingest.readers import files
from curbside.ingest.readers.common import read_file_bytes
from curbside.ingest.readers.markdown import (
    MAX_PASSAGE_CHARS,
    clean_inline,
    parse_markdown,
    passages_from_blocks,
    split_spans,
)
from curbside.model import Document, Skipped

SETTINGS = Settings(library=Path("unused"))


def make_pdf(pages: list[str], title: str = "") -> bytes:
    """A minimal valid PDF: each page's lines drawn in Helvetica, with an optional /Title."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", "", "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for text in pages:
        ops = "BT /F1 12 Tf 14 TL 72 720 Td " + " ".join(f"({line}) Tj T*" for line in text.split("\n")) + " ET"
        objects.append(f"<< /Length {len(ops)} >>\nstream\n{ops}\nendstream")
        objects.append(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {len(objects)} 0 R >>"
        )
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    if title:
        objects.append(f"<< /Title ({title}) /CreationDate (D:20200102030405Z) >>")
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    info = f" /Info {len(objects)} 0 R" if title else ""
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R{info} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def _rewrite(pdf: bytes, *, password: str | None = None, blank: bool = False) -> bytes:
    writer = PdfWriter() if blank else PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    if blank:
        writer.add_blank_page(612, 792)
    if password is not None:
        writer.encrypt(user_password=password, owner_password="owner")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def read_one(path: Path, settings: Settings = SETTINGS) -> Document | Skipped:
    (item,) = list(files.read(path, settings))
    return item


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# -- folders and ids -------------------------------------------------------------------------


def test_folder_is_read_recursively_in_order_with_stable_ids(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    write(notes, "b.md", "# Bee\n\nText b.\n")
    write(notes, "a.txt", "Text a.\n")
    write(notes, "sub/c.html", "<p>Text c.</p>")
    write(notes, ".hidden.md", "# Hidden\n\nNot a document.\n")
    write(notes, ".git/config.md", "# Also hidden\n")
    items = list(files.read(notes, SETTINGS))
    assert [i.source.id for i in items] == ["file:notes/a.txt", "file:notes/b.md", "file:notes/sub/c.html"]
    assert files.estimate(notes) == 3
    c = items[2].source
    assert c.identifiers == {"path": "sub/c.html", "sha256": hashlib.sha256(b"<p>Text c.</p>").hexdigest()}
    assert (c.kind, c.url, c.year, c.metadata) == ("local", "", None, {"format": "html", "bytes": 14})


def test_single_file_id_is_its_name(tmp_path: Path) -> None:
    doc = read_one(write(tmp_path, "One Note.md", "Just text.\n"))
    assert doc.source.id == "file:One Note.md"
    assert doc.source.title == "One Note"  # no heading: the file stem


def test_missing_path_is_one_input_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=str(tmp_path / "absent")):
        files.read(tmp_path / "absent", SETTINGS)


# -- formats ---------------------------------------------------------------------------------


def test_markdown_front_matter_gives_title_and_stated_date(tmp_path: Path) -> None:
    text = "---\ntitle: Examplamab notes\ndate: 2021-03-04\n---\n# Examplamab\n\nIntro.\n\n## Use\n\n- one\n- two\n"
    doc = read_one(write(tmp_path, "n.md", text))
    assert (doc.source.title, doc.source.date, doc.source.year) == ("Examplamab notes", "2021-03-04", 2021)
    assert [(p.section, p.text) for p in doc.passages] == [
        ("Examplamab", "Intro."),
        ("Examplamab › Use", "one"),
        ("Examplamab › Use", "two"),
    ]
    assert text[doc.passages[0].start : doc.passages[0].end] == "Intro."


def test_html_keeps_words_and_structure_not_tags(tmp_path: Path) -> None:
    page = """<html><head><title>Examplamab &amp; friends</title>
    <meta name="citation_date" content="2019/05/01"><style>p { color: red }</style></head>
    <body><nav>Home | About</nav><script>var hidden = 1;</script>
    <h1>Examplamab</h1><div>Loose <b>bold</b> text<p>A paragraph<br>with a break.</p></div>
    <h2>Use</h2><ul><li>Choose one:<ul><li>option a</li><li>option b</li></ul></li></ul>
    <ol start="3"><li>third step</li><li>fourth step</li></ol>
    <table><tr><th>Drug</th><th>Dose</th></tr><tr><td>Examplamab</td><td>1 unit</td></tr></table>
    </body></html>"""
    doc = read_one(write(tmp_path, "page.html", page))
    assert (doc.source.title, doc.source.year) == ("Examplamab & friends", 2019)
    texts = [p.text for p in doc.passages]
    assert texts == [
        "Loose bold text",
        "A paragraph with a break.",
        "Choose one:\n- option a\n- option b",
        "3. third step",
        "4. fourth step",
        "Drug: Examplamab; Dose: 1 unit",
    ]
    assert doc.passages[0].section == "Examplamab"
    assert doc.passages[-1].section == "Examplamab › Use"
    assert not any("<" in t or "hidden" in t or "color" in t or "About" in t for t in texts)


def test_text_paragraphs_and_first_line_title(tmp_path: Path) -> None:
    text = "Examplamab note\n\nFirst paragraph\ncontinues here.\n\n\nSecond paragraph.\n"
    doc = read_one(write(tmp_path, "n.txt", text))
    assert doc.source.title == "Examplamab note"
    assert [p.text for p in doc.passages] == ["Examplamab note", "First paragraph continues here.", "Second paragraph."]
    assert [text[p.start : p.end] for p in doc.passages][1] == "First paragraph\ncontinues here."


def test_long_paragraph_is_split_at_sentence_ends(tmp_path: Path) -> None:
    sentence = "This neutral sentence exists only to make a long paragraph. "
    doc = read_one(write(tmp_path, "long.txt", sentence * 60))
    assert len(doc.passages) > 1
    assert all(len(p.text) <= MAX_PASSAGE_CHARS and p.text.endswith(".") for p in doc.passages)


def test_pdf_text_per_page_with_metadata_title(tmp_path: Path) -> None:
    pdf = make_pdf(["Examplamab guidance\nFirst sentence. Second sentence.", "Page two text"], title="Synthetic PDF")
    doc = read_one(write(tmp_path, "guide.pdf", pdf))
    assert doc.source.title == "Synthetic PDF"
    assert doc.source.year is None  # a file's creation date is not evidence of when it was written
    assert doc.source.metadata == {"format": "pdf", "bytes": len(pdf), "pages": 2, "created": "2020-01-02"}
    assert [(p.section, p.text) for p in doc.passages] == [
        ("Page 1", "Examplamab guidance First sentence. Second sentence."),
        ("Page 2", "Page two text"),
    ]


def test_pdf_without_metadata_title_uses_first_line(tmp_path: Path) -> None:
    doc = read_one(write(tmp_path, "untitled.pdf", make_pdf(["Examplamab leaflet\nBody text."])))
    assert doc.source.title == "Examplamab leaflet"


def test_pdf_with_empty_user_password_is_read(tmp_path: Path) -> None:
    pdf = _rewrite(make_pdf(["Readable despite encryption."]), password="")
    assert read_one(write(tmp_path, "open.pdf", pdf)).passages[0].text == "Readable despite encryption."


# -- inputs that are skipped -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("notes.docx", b"PK\x03\x04", "unsupported file type .docx; convert it to Markdown, HTML, PDF or text"),
        ("README", b"text", "unsupported file type (no extension); convert it to Markdown, HTML, PDF or text"),
        ("empty.md", b"", "empty file"),
        ("binary.txt", b"abc\x00def", "binary file, not text"),
        ("latin1.txt", "café".encode("latin-1"), "not UTF-8 text (bad byte at offset 3); convert it to UTF-8"),
        ("blank.txt", b"   \n\n  \n", "no readable text in the file"),
        (
            "corrupt.pdf",
            b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog",
            "corrupt or truncated PDF; re-export or re-download it",
        ),
        ("truncated.pdf", make_pdf(["hello"])[:150], "corrupt or truncated PDF; re-export or re-download it"),
        ("scanned.pdf", _rewrite(b"", blank=True), "no extractable text (scanned PDF?); run OCR first"),
        (
            "locked.pdf",
            _rewrite(make_pdf(["secret text"]), password="secret"),
            "password-protected PDF; save a copy without the password and ingest that",
        ),
    ],
)
def test_bad_file_is_skipped_with_a_clear_reason(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = write(tmp_path, name, content)
    assert read_one(path) == Skipped(str(path), reason)


def test_oversize_file_is_skipped_before_reading(tmp_path: Path) -> None:
    path = write(tmp_path, "big.txt", "word " * 100)
    item = read_one(path, Settings(library=Path("unused"), max_file_bytes=100))
    assert isinstance(item, Skipped) and item.reason.startswith("larger than the")


def test_damaged_pdf_is_recovered_without_pypdf_noise(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, capsys, recwarn
) -> None:
    # Every cross-reference offset one byte off: pypdf rebuilds the table and logs each object.
    pdf = re.sub(rb"(\d{10}) 00000 n", lambda m: b"%010d 00000 n" % (int(m.group(1)) + 1), make_pdf(["Recovered text"]))
    caplog.set_level(logging.DEBUG)
    assert read_one(write(tmp_path, "damaged.pdf", pdf)).passages[0].text == "Recovered text"
    assert not [r for r in caplog.records if r.name.startswith("pypdf")]
    assert len(recwarn) == 0
    assert capsys.readouterr() == ("", "")


# -- the shared Markdown splitter --------------------------------------------------------------


def test_clean_inline_keeps_words_and_drops_markup() -> None:
    raw = "**Bold** and *emph* and `code` and [a link](http://x) and ![alt](y.png) and 3 * 4 and a<br>b &amp; c"
    assert clean_inline(raw) == "Bold and emph and code and a link and alt and 3 * 4 and a b & c"


def test_short_nested_list_stays_with_its_parent_and_long_list_does_not() -> None:
    text = "- Parent item\n  - child one\n  - child two\n\nLead-in:\n" + "".join(f"- item {n}\n" for n in range(12))
    passages = passages_from_blocks(parse_markdown(text), "s", "Root")
    assert passages[0].text == "Parent item\n- child one\n- child two"
    assert [p.text for p in passages[1:3]] == ["Lead-in: item 0", "Lead-in: item 1"]
    assert len(passages) == 13


def test_headings_build_the_section_path_and_h1_replaces_the_root() -> None:
    text = "Before.\n\n# Title\n\n## A\n\n### B\n\nDeep.\n\n## C\n\nShallow.\n\nSetext\n------\n\nUnder setext.\n\nNew root\n===\n\nLast.\n"
    passages = passages_from_blocks(parse_markdown(text), "s", "file stem")
    assert [(p.section, p.text) for p in passages] == [
        ("file stem", "Before."),
        ("Title › A › B", "Deep."),
        ("Title › C", "Shallow."),
        ("Title › Setext", "Under setext."),
        ("New root", "Last."),
    ]


def test_code_block_keeps_its_lines() -> None:
    text = "```\nStart\n  → branch\n```\n"
    (passage,) = passages_from_blocks(parse_markdown(text), "s", "Root")
    assert passage.text == "Start\n  → branch"


@given(st.text(alphabet=st.sampled_from("ab .!\n"), max_size=3000), st.integers(min_value=20, max_value=400))
def test_split_spans_cover_the_words_in_order_within_the_limit(text: str, limit: int) -> None:
    spans = split_spans(text, 0, len(text), limit)
    assert all(0 < end - start <= limit for start, end in spans)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in zip(spans, spans[1:], strict=False))
    assert "".join("".join(text[s:e].split()) for s, e in spans) == "".join(text.split())


def test_table_row_grade_ignores_a_first_column_that_names_a_scale_level() -> None:
    text = (
        "| Class | Meaning |\n|---|---|\n| Class III | a fictional scale level |\n\n"
        "| Advice | Strength |\n|---|---|\n| Give examplamab | Grade B |\n"
    )
    scale, advice = passages_from_blocks(parse_markdown(text), "s", "Root")
    assert (scale.text, scale.grade) == ("Class: Class III; Meaning: a fictional scale level", "")
    assert (advice.text, advice.grade) == ("Advice: Give examplamab; Strength: Grade B", "Grade B")


# -- what is not a document in the folder: links out of it, special files, unaddressable names ---


def _read_folder(folder: Path, settings: Settings = SETTINGS) -> dict[str, Document | Skipped]:
    return {
        item.source.id if isinstance(item, Document) else item.origin: item for item in files.read(folder, settings)
    }


def test_symlink_leaving_the_folder_is_skipped_and_one_inside_is_read(tmp_path: Path) -> None:
    outside = write(tmp_path, "outside.txt", "Synthetic text that lives outside the ingested folder.\n")
    notes = tmp_path / "notes"
    write(notes, "a.txt", "Synthetic note a.\n")
    (notes / "leak.txt").symlink_to(outside)
    (notes / "alias.txt").symlink_to(notes / "a.txt")
    items = _read_folder(notes)
    assert items[str(notes / "leak.txt")] == Skipped(
        str(notes / "leak.txt"),
        "symbolic link to a file outside the folder, not followed; copy the file in to ingest it",
    )
    assert [p.text for p in items["file:notes/alias.txt"].passages] == ["Synthetic note a."]
    assert "file:notes/a.txt" in items


def test_links_to_folders_and_broken_links_are_named_not_followed(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    write(notes, "a.txt", "Synthetic note a.\n")
    write(tmp_path, "elsewhere/b.txt", "Synthetic note b.\n")
    (notes / "linked").symlink_to(tmp_path / "elsewhere")
    (notes / "gone.txt").symlink_to(tmp_path / "missing.txt")
    items = _read_folder(notes)
    assert (
        items[str(notes / "linked")].reason == "link to a folder, not followed; move or copy the folder in to ingest it"
    )
    assert items[str(notes / "gone.txt")].reason == "broken symbolic link; fix or remove it"
    assert set(items) == {"file:notes/a.txt", str(notes / "linked"), str(notes / "gone.txt")}


def test_fifo_is_skipped_without_blocking_the_ingest(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    write(notes, "a.txt", "Synthetic note a.\n")
    os.mkfifo(notes / "pipe.txt")
    result: dict = {}
    reader = threading.Thread(target=lambda: result.update(_read_folder(notes)), daemon=True)
    reader.start()
    reader.join(timeout=20)
    if reader.is_alive():
        # Open the write end so the blocked read returns and the thread ends, then fail.
        os.close(os.open(notes / "pipe.txt", os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("reading a folder with a FIFO in it blocked")
    assert result[str(notes / "pipe.txt")].reason == "not a regular file (a FIFO); only regular files are read"
    assert "file:notes/a.txt" in result


def test_link_to_a_device_is_skipped_as_not_a_regular_file(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    write(notes, "a.txt", "Synthetic note a.\n")
    (notes / "zero.txt").symlink_to("/dev/zero")  # st_size 0, endless content
    items = _read_folder(notes)
    assert items[str(notes / "zero.txt")].reason == "not a regular file (a device); only regular files are read"
    # Named as PATH itself it is refused the same way, not read.
    assert read_one(Path("/dev/zero")).reason == "not a regular file (a device); only regular files are read"


def test_size_limit_holds_while_reading_not_only_from_stat() -> None:
    # /proc files are regular files whose st_size is 0 however much they hold: the limit must be
    # enforced on the bytes read, as for a file that grows after it was measured.
    status = Path("/proc/self/status")
    assert status.stat().st_size == 0 and len(status.read_bytes()) > 100
    item = read_file_bytes(status, 100)
    assert isinstance(item, Skipped) and item.reason.startswith("larger than the")


@pytest.mark.parametrize("bad", ["two\nlines.md", "escape\x1b[31m.md", "tab\there.md"])
def test_file_name_with_a_control_character_is_refused_and_the_rest_read(tmp_path: Path, bad: str) -> None:
    notes = tmp_path / "notes"
    write(notes, "a.txt", "Synthetic note a.\n")
    write(notes, bad, "# Synthetic\n\nA synthetic note with an awkward name.\n")
    items = list(files.read(notes, SETTINGS))
    assert [i.source.id for i in items if isinstance(i, Document)] == ["file:notes/a.txt"]
    (skipped,) = [i for i in items if isinstance(i, Skipped)]
    shown = str(notes / bad).replace("\n", "\\n").replace("\x1b", "\\x1b").replace("\t", "\\t")
    assert skipped == Skipped(
        shown, "file name holds a control character (such as a newline); rename the file and ingest again"
    )
