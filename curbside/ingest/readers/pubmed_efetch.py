"""PubMed/MEDLINE XML as efetch and the PubMed site export it (<PubmedArticleSet>), one source per article.

Parsed as a stream, so an export cut short still gives every complete article before the cut.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

from lxml import etree

from ...language.clean import normalize_space
from ...model import Document, Passage, Skipped, Source
from .markdown import SECTION_SEPARATOR

ROOT_TAG = "PubmedArticleSet"
LICENCE = "Abstract text © its publisher; record from PubMed (NLM)"

# Publication types that make an article more than primary research; a guideline wins over a
# review when both are listed, since its purpose is to recommend.
GUIDELINE_TYPES = {"Practice Guideline", "Guideline"}
REVIEW_TYPES = {"Systematic Review", "Meta-Analysis"}

_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_EXPONENT = re.compile(r"[-−+]?\d+(?:\.\d+)?")


def read_export(origin: str, data: bytes, reader_name: str) -> Iterator[Document | Skipped]:
    """Every article in one PubMed XML export."""
    events = etree.iterparse(
        io.BytesIO(data),
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        remove_comments=True,
        remove_pis=True,
    )
    root = None
    articles = 0
    try:
        for event, el in events:
            if root is None:
                root = el
                if el.tag != ROOT_TAG:
                    yield Skipped(origin, f"not a PubMed XML export (root element <{el.tag}>, expected <{ROOT_TAG}>)")
                    return
                continue
            if event != "end" or el.getparent() is not root:
                continue
            if el.tag == "PubmedArticle":
                articles += 1
                yield article(origin, el, reader_name)
            elif el.tag == "PubmedBookArticle":
                yield Skipped(
                    f"{origin} PMID {el.findtext('BookDocument/PMID', '?')}",
                    "a PubMed book record, not a journal article",
                )
            el.clear()  # finished articles are not kept: an export can hold tens of thousands
            while el.getprevious() is not None:
                del root[0]
    except etree.XMLSyntaxError as exc:
        kept = f"; the {articles} complete articles before it were read" if articles else ""
        yield Skipped(origin, f"XML is malformed or cut short ({exc.msg}){kept}; export the file again")


def article(origin: str, el: etree._Element, reader_name: str) -> Document | Skipped:
    citation = el.find("MedlineCitation")
    pmid = normalize_space(citation.findtext("PMID", "")) if citation is not None else ""
    record = f"{origin} PMID {pmid or '?'}"
    body = citation.find("Article") if citation is not None else None
    if not pmid or body is None:
        return Skipped(record, "a PubmedArticle without a PMID or an Article element")
    title = _text(body.find("ArticleTitle")) or _text(body.find("VernacularTitle"))
    if not title:
        return Skipped(record, "no article title")
    source_id = f"pmid:{pmid}"
    passages = []
    for part in body.iterfind("Abstract/AbstractText"):
        text = _text(part)
        if text:
            label = normalize_space(part.get("Label", ""))
            section = f"Abstract{SECTION_SEPARATOR}{label}" if label else "Abstract"
            passages.append(Passage(source_id, len(passages), section, text, 0, len(text)))
    if not passages:
        return Skipped(record, "no abstract (PubMed has only the title of this article)")
    year, date = _publication_date(body)
    publication_types = [t for t in (_text(p) for p in body.iterfind("PublicationTypeList/PublicationType")) if t]
    mesh = [t for t in (_text(d) for d in citation.iterfind("MeshHeadingList/MeshHeading/DescriptorName")) if t]
    journal = _text(body.find("Journal/Title")) or _text(body.find("Journal/ISOAbbreviation"))
    identifiers = {"pmid": pmid, "doi": _doi(el, body), "pmcid": _article_id(el, "pmc")}
    source = Source(
        id=source_id,
        kind=kind_of(publication_types),
        title=title,
        origin=reader_name,
        developer=journal,
        year=year,
        date=date,
        identifiers={k: v for k, v in identifiers.items() if v},
        url=f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/",
        licence=LICENCE,
        conditions=list(dict.fromkeys(mesh)),
        metadata={"mesh": mesh, "publication_types": publication_types},
    )
    return Document(source, passages)


def kind_of(publication_types: list[str]) -> str:
    types = set(publication_types)
    if types & GUIDELINE_TYPES:
        return "guideline"
    if types & REVIEW_TYPES:
        return "systematic_review"
    return "research"


def _publication_date(body: etree._Element) -> tuple[int | None, str]:
    """(year, date as written) from the journal issue's PubDate, else the electronic ArticleDate."""
    pub_date = body.find("Journal/JournalIssue/PubDate")
    if pub_date is not None:
        medline_date = _text(pub_date.find("MedlineDate"))  # "1998 Dec-1999 Jan": the first year counts
        date = medline_date or " ".join(t for t in (_text(pub_date.find(p)) for p in ("Year", "Month", "Day")) if t)
        if match := _YEAR.search(date):
            return int(match.group(1)), date
    article_date = body.find("ArticleDate")
    if article_date is not None:
        date = "-".join(t for t in (_text(article_date.find(p)) for p in ("Year", "Month", "Day")) if t)
        if match := _YEAR.search(date):
            return int(match.group(1)), date
    return None, ""


def _doi(el: etree._Element, body: etree._Element) -> str:
    return _article_id(el, "doi") or next(
        (_text(e) for e in body.iterfind("ELocationID") if e.get("EIdType") == "doi" and _text(e)), ""
    )


def _article_id(el: etree._Element, id_type: str) -> str:
    return next((_text(a) for a in el.iterfind("PubmedData/ArticleIdList/ArticleId") if a.get("IdType") == id_type), "")


def _text(el: etree._Element | None) -> str:
    """All the text of an element, inline markup (<i>, <b>, <sub>, <sup>) included."""
    return normalize_space(_plain(el)) if el is not None else ""


def _plain(el: etree._Element) -> str:
    text = (el.text or "") + "".join(_plain(child) + (child.tail or "") for child in el)
    # A numeric superscript is an exponent: "10<sup>9</sup>/L" must not read as "109/L".
    if el.tag == "sup" and _EXPONENT.fullmatch(text.strip()):
        return "^" + text.strip()
    return text
