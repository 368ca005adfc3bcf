"""Your own documents: a folder (searched recursively) or one file of Markdown, HTML, PDF or text.

Each file is one source with id `file:<folder name>/<path inside it>` (or `file:<file name>`
for a single file), so editing a file and ingesting again makes a new version of the same
source. A file's modification time says nothing about when its content was written, so the
year is only set when the document itself states a date (Markdown front matter, HTML meta).
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import stat
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ...config import Settings
from ...language.clean import find_grade, normalize_space
from ...language.terminal import CONTROL, visible
from ...model import Document, Passage, Skipped, Source
from .common import decode_text, not_regular, problem_with_bytes, read_file_bytes, require_path
from .html_text import read_html
from .markdown import first_heading, front_matter, parse_markdown, passages_from_blocks, split_spans

NAME = "files"
DESCRIPTION = "Your own documents: a folder or file of Markdown, HTML, PDF or plain text."

FORMATS = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html", ".pdf": "pdf", ".txt": "text"}
MAX_TITLE_CHARS = 200  # a longer first line is a paragraph, not a title
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


def estimate(path: Path) -> int | None:
    try:
        return sum(1 for _ in _files(Path(path).expanduser()))
    except OSError:
        return None


def read(path: Path, settings: Settings) -> Iterator[Document | Skipped]:
    # Checked here, not inside the generator, so a missing PATH fails before anything is read.
    path = require_path(path, "a folder or a Markdown, HTML, PDF or text file")
    root = path.resolve() if path.is_dir() else None
    return (_read_file(file, name, relative, root, settings.max_file_bytes) for file, name, relative in _files(path))


def _files(path: Path) -> Iterator[tuple[Path, str, str]]:
    """(file, name for its source id, path inside the folder) in a stable order.

    Hidden files and folders (.git, .DS_Store) are not documents anyone asked to ingest. A link to
    a folder is listed as an entry, not entered, so the report says it was not followed.
    """
    if not path.is_dir():
        yield path, path.name, path.name
        return
    base = path.resolve().name
    for folder, subfolders, names in os.walk(path):
        linked = [d for d in subfolders if os.path.islink(os.path.join(folder, d))]
        subfolders[:] = sorted(d for d in subfolders if not d.startswith(".") and d not in linked)
        for name in sorted(n for n in [*names, *linked] if not n.startswith(".")):
            file = Path(folder) / name
            relative = file.relative_to(path).as_posix()
            yield file, f"{base}/{relative}", relative


def _not_readable(file: Path, name: str, root: Path | None) -> Skipped | None:
    """Why `file` is not read at all: a name no URL can carry, a special file, a link out of the folder."""
    if CONTROL.search(name):
        # A newline or other control character in a source id cannot be addressed by a page or API URL.
        return Skipped(
            visible(str(file)),
            "file name holds a control character (such as a newline); rename the file and ingest again",
        )
    try:
        status = file.stat()
    except OSError as exc:
        reason = "broken symbolic link; fix or remove it" if file.is_symlink() else f"cannot be read ({exc.strerror})"
        return Skipped(str(file), reason)
    if stat.S_ISDIR(status.st_mode):
        return Skipped(str(file), "link to a folder, not followed; move or copy the folder in to ingest it")
    problem = not_regular(file, status)
    if problem:
        return problem
    if root is not None and not file.resolve().is_relative_to(root):
        return Skipped(
            str(file), "symbolic link to a file outside the folder, not followed; copy the file in to ingest it"
        )
    return None


def _read_file(file: Path, name: str, relative: str, root: Path | None, max_bytes: int) -> Document | Skipped:
    problem = _not_readable(file, name, root)
    if problem:
        return problem
    origin = str(file)
    suffix = file.suffix.lower()
    form = FORMATS.get(suffix)
    if form is None:
        return Skipped(
            origin, f"unsupported file type {suffix or '(no extension)'}; convert it to Markdown, HTML, PDF or text"
        )
    data = read_file_bytes(file, max_bytes)
    if isinstance(data, Skipped):
        return data
    problem = problem_with_bytes(origin, data, max_bytes)
    if problem:
        return problem
    source_id = f"file:{name}"
    if form == "pdf":
        parsed = _pdf(origin, data, source_id)
    else:
        text = decode_text(origin, data)
        if isinstance(text, Skipped):
            return text
        parsed = {"markdown": _markdown, "html": _html, "text": _text}[form](text, source_id, file.stem)
    if isinstance(parsed, Skipped):
        return parsed
    title, date, passages, extra = parsed
    if not passages:
        return Skipped(origin, "no readable text in the file")
    year = _YEAR.search(date)
    source = Source(
        id=source_id,
        kind="local",
        title=title or file.stem,
        origin=NAME,
        year=int(year.group()) if year else None,
        date=date,
        identifiers={"path": relative, "sha256": hashlib.sha256(data).hexdigest()},
        metadata={"format": form, "bytes": len(data)} | extra,
    )
    return Document(source, passages)


Parsed = tuple[str, str, list[Passage], dict]  # title, stated date, passages, extra metadata


def _markdown(text: str, source_id: str, stem: str) -> Parsed:
    stated = front_matter(text)
    blocks = parse_markdown(text)
    title = normalize_space(stated.get("title", "")) or first_heading(blocks)
    root = first_heading(blocks, level=1) or title or stem
    return title, stated.get("date", ""), passages_from_blocks(blocks, source_id, root), {}


def _html(text: str, source_id: str, stem: str) -> Parsed:
    page = read_html(text)
    title = page.title or first_heading(page.blocks)
    root = first_heading(page.blocks, level=1) or title or stem
    return title, page.date, passages_from_blocks(page.blocks, source_id, root), {}


def _text(text: str, source_id: str, stem: str) -> Parsed:
    first_line = next((normalize_space(line) for line in text.splitlines() if line.strip()), "")
    title = first_line if len(first_line) <= MAX_TITLE_CHARS else ""
    return title, "", _paragraph_passages(text, source_id, section=""), {}


def _paragraph_passages(text: str, source_id: str, section: str, first_order: int = 0) -> list[Passage]:
    """Blank-line paragraphs, long ones cut at sentence ends; offsets are into `text`."""
    passages = []
    start = 0
    for match in [*_PARAGRAPH_BREAK.finditer(text), None]:
        end = match.start() if match else len(text)
        for s, e in split_spans(text, start, end):
            words = normalize_space(text[s:e])
            if words:
                passages.append(
                    Passage(source_id, first_order + len(passages), section, words, s, e, find_grade(words))
                )
        start = match.end() if match else end
    return passages


# -- PDF ---------------------------------------------------------------------------------------


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf logs and warns about every flaw it works around; the skip reason says what matters."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def _pdf(origin: str, data: bytes, source_id: str) -> Parsed | Skipped:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError

    with _quiet_pypdf():
        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                return Skipped(origin, "password-protected PDF; save a copy without the password and ingest that")
            pages, unreadable = _page_texts(reader)
            info = reader.metadata
            title = normalize_space(str(info.title or "")) if info else ""
            created = _pdf_date(info)
        except (FileNotDecryptedError, DependencyError):
            return Skipped(
                origin, "encrypted PDF that cannot be opened; save a copy without encryption and ingest that"
            )
        except Exception:  # noqa: BLE001 - pypdf raises many types (ValueError, KeyError, struct.error ...) on corrupt input
            return Skipped(origin, "corrupt or truncated PDF; re-export or re-download it")
    passages: list[Passage] = []
    for number, text in pages:
        passages += _paragraph_passages(text, source_id, f"Page {number}", first_order=len(passages))
    if not passages:
        return Skipped(origin, "no extractable text (scanned PDF?); run OCR first")
    if not title:
        first_line = normalize_space(pages[0][1].strip().splitlines()[0]) if pages[0][1].strip() else ""
        title = first_line if len(first_line) <= MAX_TITLE_CHARS else ""
    extra: dict = {"pages": len(reader.pages)}
    if created:
        extra["created"] = created  # when the file was made, not when its content was written
    if unreadable:
        extra["unreadable_pages"] = unreadable
    return title, "", passages, extra


def _page_texts(reader) -> tuple[list[tuple[int, str]], list[int]]:
    """(page number, text) for pages with text, and the numbers of pages that failed to extract."""
    pages, unreadable = [], []
    for number, page in enumerate(reader.pages, start=1):
        try:
            text = page.extract_text() or ""
        except Exception:  # noqa: BLE001 - one damaged page should not cost the rest of the document
            unreadable.append(number)
            continue
        if text.strip():
            pages.append((number, text))
    return pages, unreadable


def _pdf_date(info) -> str:
    try:
        created = info.creation_date if info else None
    except Exception:  # noqa: BLE001 - a malformed /CreationDate string raises inside pypdf
        return ""
    return created.date().isoformat() if created else ""
