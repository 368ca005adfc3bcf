"""LiveQA questions, judgements and the evaluation collection: tiny fixtures, then the real files."""

import csv
import io
import zipfile
from pathlib import Path

import pytest
from conftest import shared_path

from curbside.config import Settings
from curbside.errors import InputError
from curbside.evaluate import liveqa
from curbside.evaluate.liveqa import JudgedAnswer, Judgement
from curbside.ingest.readers import get_reader
from curbside.model import Document

pytestmark = pytest.mark.slow  # reads the shared LiveQA and MedQuAD corpora

QUESTIONS_XML = """<?xml version="1.0" encoding="UTF-8"?>
<LiveQA2017-Medical-Test-Set-Full>
  <NLM-QUESTION qid="TQ2">
    <Original-Question qfile="2.txt"><SUBJECT>Gluten	information </SUBJECT>
      <MESSAGE>Do these tablets contain gluten?</MESSAGE></Original-Question>
    <NIST-PARAPHRASE>Does zolmitriptan contain gluten?</NIST-PARAPHRASE>
  </NLM-QUESTION>
  <NLM-QUESTION qid="TQ1">
    <Original-Question qfile="1.txt"><SUBJECT></SUBJECT><MESSAGE>what causes kidney cysts</MESSAGE></Original-Question>
  </NLM-QUESTION>
</LiveQA2017-Medical-Test-Set-Full>
"""

QRELS = """1 1-Incorrect ADAM_0000001_Sec1.txt
1 4-Excellent GHR_0000001_Sec2.txt
1 2-Related ADAM_0000002_Sec1.txt
1 3-Incomplete ADAM_0000001_Sec1.txt
2 2-Related ADAM_0000003_Sec1.txt
"""

PKD_ANSWER = "Cysts develop in the kidneys.  They can lead to kidney failure."


def judged_rows() -> list[tuple[str, str, str]]:
    return [
        ("ADAM_0000001_Sec1.txt", "What causes Kidney cysts ? (Also called: Renal cysts)", "Cysts are sacs of fluid."),
        ("GHR_0000001_Sec2.txt", "What causes polycystic kidney disease ? (Also called: PKD)", PKD_ANSWER),
        (
            "ADAM_0000002_Sec1.txt",
            "What causes kidney cysts ?",
            "Cysts are sacs of fluid. ",
        ),  # same pair as Sec1 of 0000001
        ("ADAM_0000003_Sec1.txt", "Is gluten in tablets ?", "Ask your pharmacist."),
    ]


def write_judged_zip(path: Path) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["AnswerID", "Answer"])
    for answer_id, question, answer in judged_rows() + judged_rows()[:1]:  # the CSV repeats ids
        writer.writerow([answer_id, f"Question: {question}\nURL: https://example.org/{answer_id}\nAnswer: {answer}\n"])
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Judged/All-qrels_LiveQAMed2017-TestQuestions_5_Judged-Answers.txt", QRELS)
        archive.writestr("Judged/All-4-Answers-retrieved-from-MedQuAD.csv", buffer.getvalue())
        archive.writestr("__MACOSX/Judged/._All-4-Answers-retrieved-from-MedQuAD.csv", "resource fork")
    return path


def write_medquad(folder: Path) -> Path:
    ghr = folder / "3_GHR_QA"
    ghr.mkdir(parents=True)
    (ghr / "0000001.xml").write_text(
        f"""<?xml version="1.0" encoding="UTF-8"?>
<Document id="0000001" source="GHR" url="https://ghr.nlm.nih.gov/condition/pkd"><Focus>polycystic kidney disease</Focus>
<QAPairs>
  <QAPair pid="1"><Question qid="0000001-1" qtype="causes">What causes polycystic kidney disease ?</Question>
    <Answer>{PKD_ANSWER}</Answer></QAPair>
  <QAPair pid="2"><Question qid="0000001-2" qtype="causes">What causes polycystic kidney disease ?</Question>
    <Answer>{PKD_ANSWER}</Answer></QAPair>
  <QAPair pid="3"><Question qid="0000001-3" qtype="treatment">How to treat polycystic kidney disease ?</Question>
    <Answer>Control blood pressure.</Answer></QAPair>
</QAPairs></Document>""",
        encoding="utf-8",
    )
    return folder


def test_questions_are_the_original_subject_and_message(tmp_path):
    path = tmp_path / "q.xml"
    path.write_text(QUESTIONS_XML, encoding="utf-8")
    questions = liveqa.load_questions(path)
    assert [q.number for q in questions] == [1, 2]
    assert questions[0].text == "what causes kidney cysts"
    assert questions[1].text == "Gluten information\nDo these tablets contain gluten?"


def test_a_file_that_is_not_the_question_xml_is_refused(tmp_path):
    path = tmp_path / "q.xml"
    path.write_text("not xml", encoding="utf-8")
    with pytest.raises(InputError, match="LiveQA test question XML"):
        liveqa.load_questions(path)


def test_judgements_and_answers_load_from_the_zip(tmp_path):
    archive = write_judged_zip(tmp_path / "judged.zip")
    judgements = liveqa.load_judgements(archive)
    assert judgements[1] == Judgement(question=1, grade=4, answer_id="GHR_0000001_Sec2.txt")
    assert len(judgements) == 5
    answers = liveqa.load_judged_answers(archive)
    assert sorted(answers) == sorted(row[0] for row in judged_rows())
    pkd = answers["GHR_0000001_Sec2.txt"]
    assert pkd.url == "https://example.org/GHR_0000001_Sec2.txt"
    assert pkd.answer == "Cysts develop in the kidneys. They can lead to kidney failure."
    assert pkd.collection == "GHR"


def test_pairs_are_the_same_document_when_their_words_are():
    assert liveqa.pair_key("What causes PKD ? (Also called: X; Y)", "A  b.") == liveqa.pair_key(
        "what causes pkd?", "a b"
    )
    assert liveqa.pair_key("What causes PKD ?", "A b") != liveqa.pair_key("How to treat PKD ?", "A b")


def test_every_judged_id_maps_to_one_source():
    answers = {a: JudgedAnswer(a, q, "", t) for a, q, t in judged_rows()}
    keys = {
        liveqa.pair_key("What causes polycystic kidney disease ?", PKD_ANSWER): [
            "medquad:GHR:0000001-1",
            "medquad:GHR:0000001-2",
        ]
    }
    mapping = liveqa.map_judged_answers(answers, keys)
    assert mapping.answer_source == {
        "ADAM_0000001_Sec1.txt": "liveqa-judged:ADAM_0000001_Sec1.txt",
        "ADAM_0000002_Sec1.txt": "liveqa-judged:ADAM_0000001_Sec1.txt",  # identical pair, merged
        "ADAM_0000003_Sec1.txt": "liveqa-judged:ADAM_0000003_Sec1.txt",
        "GHR_0000001_Sec2.txt": "medquad:GHR:0000001-1",
    }
    assert (mapping.mapped_to_medquad, len(mapping.added), mapping.merged) == (1, 2, 1)
    assert liveqa.duplicates_of(keys) == {"medquad:GHR:0000001-2": "medquad:GHR:0000001-1"}


def test_judged_documents_are_consumer_sources_with_the_question_as_section():
    doc = next(liveqa.judged_documents([JudgedAnswer("ADAM_1_Sec1.txt", "What is X ? (Also called: Y)", "u", "X is.")]))
    assert (doc.source.id, doc.source.kind, doc.source.title) == (
        "liveqa-judged:ADAM_1_Sec1.txt",
        "consumer",
        "What is X ? (Also called: Y)",
    )
    assert (doc.passages[0].section, doc.passages[0].text) == ("What is X ?", "X is.")


def test_build_map_grade_and_cache_the_collection(tmp_path):
    archive = write_judged_zip(tmp_path / "judged.zip")
    medquad = write_medquad(tmp_path / "medquad")
    folder = tmp_path / "collection"
    collection, built = liveqa.open_collection(folder, medquad, archive, embed=False)
    assert built
    assert collection.counts["medquad_sources"] == 3
    assert (
        collection.counts["judged_mapped_to_medquad"],
        collection.counts["judged_added"],
        collection.counts["judged_merged"],
    ) == (1, 2, 1)
    assert collection.counts["sources"] == 5
    pkd = collection.answer_source["GHR_0000001_Sec2.txt"]
    assert pkd.startswith("medquad:") and collection.canonical(pkd) == pkd
    assert len(collection.duplicates) == 1 and collection.canonical(next(iter(collection.duplicates))) == pkd

    grades, conflicts = liveqa.collection_judgements(liveqa.load_judgements(archive), collection)
    merged = "liveqa-judged:ADAM_0000001_Sec1.txt"
    assert grades[1] == {merged: 3, pkd: 4}  # 1, 3 and (merged id) 2 for one document: the highest stands
    assert conflicts == 1
    collection.library.close()

    again, built = liveqa.open_collection(folder, medquad, archive, embed=False)
    assert not built and again.answer_source == collection.answer_source
    again.library.close()


def test_rebuilding_refuses_a_folder_that_is_not_a_collection(tmp_path):
    folder = tmp_path / "precious"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(InputError, match="not a LiveQA collection"):
        liveqa.open_collection(folder, tmp_path / "medquad", tmp_path / "judged.zip", embed=False, rebuild=True)
    assert (folder / "notes.txt").exists()


def test_real_questions_judgements_and_mapping(tmp_path):
    folder = shared_path("eval", "liveqa")
    questions = liveqa.load_questions(folder / liveqa.QUESTIONS_FILE)
    assert [q.number for q in questions] == list(range(1, 105))
    assert all(q.text for q in questions)
    judgements = liveqa.load_judgements(folder / liveqa.JUDGED_ZIP)
    assert len(judgements) == 2479
    answers = liveqa.load_judged_answers(folder / liveqa.JUDGED_ZIP)
    assert {j.answer_id for j in judgements} == set(answers)

    # The project's MedQuAD reader, without a store: mapping needs only what it yields.
    items = get_reader("medquad").read(shared_path("corpora", "medquad-xml.tar.gz"), Settings.load(tmp_path))
    keys = liveqa.document_keys(item for item in items if isinstance(item, Document))
    mapping = liveqa.map_judged_answers(answers, keys)
    assert set(mapping.answer_source) == set(answers)
    assert mapping.mapped_to_medquad == 446
    # Only the collections MedQuAD ships without answer text need adding.
    assert {a.collection for a in mapping.added} == {"ADAM", "MPlusDrugs", "MPlusHerbsSuppls"}
