"""Diffs a reviewer reads: two versions of an article line by line as readers see them, and two
versions of a cited passage word by word.

Every drug, dose and passage here is synthetic ("Examplamab", "Fictorin"); none is clinical advice.
"""

from __future__ import annotations

import copy

from curbside.model import Article, Bullet, Claim, Reference, Section
from curbside.publish.diff import DiffLine, article_lines, text_diff, version_diff


def reference(number: int, source_id: str, passage_id: str) -> Reference:
    return Reference(
        number=number,
        source_id=source_id,
        source_version=1,
        type="Guideline",
        title=f"Synthetic guideline {source_id}",
        developer="Example Society",
        year=2022,
        identifier=f"doi:10.0000/{source_id}",
        url="",
        passage_ids=[passage_id],
    )


def make_article(bullets: int = 1) -> Article:
    """A bottom line, a first-line section of `bullets` bullets, an avoid section, two references."""
    start = Claim("Examplamab 20 mg daily is the suggested starting dose.", 1, "ex@1#0")
    points = [Bullet("Examplamab", [start, Claim("Increase to 40 mg daily if the response is partial.", 1, "ex@1#1")])]
    points += [
        Bullet(f"Synthetic option {n}", [Claim(f"Synthetic option {n} may be tried.", 1, "ex@1#2")])
        for n in range(2, bullets + 1)
    ]
    return Article(
        question="How is synthetic condition X treated?",
        title="Treatment of synthetic condition X",
        bottom_line=[copy.deepcopy(start)],
        sections=[
            Section("first_line", "First-line options", points),
            Section("avoid", "Avoid", [Bullet("Placebonol", [Claim("Placebonol is not recommended.", 2, "pl@1#0")])]),
        ],
        references=[reference(1, "ex", "ex@1#0"), reference(2, "pl", "pl@1#0")],
        evidence_newest=2022,
        evidence_oldest=2022,
    )


def test_article_lines_show_what_readers_read():
    article = make_article()
    article.sections[0].bullets[0].claims[1].plain = "Raise the dose if it only partly helps."
    lines = article_lines(article)
    assert lines[0] == "Treatment of synthetic condition X"
    assert lines[1] == "Bottom line: Examplamab 20 mg daily is the suggested starting dose. [1]"
    assert "## First-line options" in lines and "## Avoid" in lines and "## References" in lines
    assert (
        "• Examplamab: Examplamab 20 mg daily is the suggested starting dose. [1] "
        "Raise the dose if it only partly helps. [1]"
    ) in lines
    assert "• Placebonol: Placebonol is not recommended. [2]" in lines
    assert any(line.startswith("[2] Guideline. Synthetic guideline pl.") for line in lines)
    assert all(line and "\n" not in line for line in lines)


def test_identical_versions_are_all_same():
    article = make_article()
    diff = version_diff(article, copy.deepcopy(article), context=50)
    assert diff and all(line.kind == "same" for line in diff)
    assert [line.text for line in diff] == article_lines(article)
    collapsed = version_diff(article, copy.deepcopy(article), context=1)
    assert all(line.kind == "same" for line in collapsed)
    assert collapsed == [DiffLine("same", f"… {len(article_lines(article))} unchanged lines …")]


def test_a_changed_claim_shows_its_bullet_removed_and_added():
    old = make_article()
    new = copy.deepcopy(old)
    new.sections[1].bullets[0].claims[0].plain = "Do not use placebonol."
    diff = version_diff(old, new)
    changed = [line for line in diff if line.kind != "same"]
    assert changed == [
        DiffLine("removed", "• Placebonol: Placebonol is not recommended. [2]"),
        DiffLine("added", "• Placebonol: Do not use placebonol. [2]"),
    ]


def test_long_unchanged_runs_are_collapsed_around_the_change():
    old = make_article(bullets=12)
    new = copy.deepcopy(old)
    new.sections[0].bullets[6].claims[0].plain = "Synthetic option 7 is worth a try."
    diff = version_diff(old, new, context=2)
    kinds = [line.kind for line in diff]
    assert kinds.count("removed") == 1 and kinds.count("added") == 1
    change = kinds.index("removed")
    assert diff[change - 3].text.endswith("unchanged lines …")
    assert [line.kind for line in diff[change - 2 : change]] == ["same", "same"]
    assert diff[change - 1].text.startswith("• Synthetic option 6")
    after = diff[change + 2 :]
    assert [line.kind for line in after[:2]] == ["same", "same"] and after[2].text.endswith("unchanged lines …")
    hidden = sum(int(line.text.split()[1]) for line in diff if line.text.startswith("… "))
    shown_same = sum(1 for line in diff if line.kind == "same" and not line.text.startswith("… "))
    assert hidden + shown_same == len(article_lines(old)) - 1


def test_short_unchanged_runs_are_kept_whole():
    old = make_article()
    new = copy.deepcopy(old)
    new.title = "Starting treatment for synthetic condition X"
    diff = version_diff(old, new, context=50)
    assert diff[:2] == [DiffLine("removed", old.title), DiffLine("added", new.title)]
    assert [line.text for line in diff[2:]] == article_lines(old)[1:]


def test_text_diff_marks_inserted_and_deleted_words():
    old = "Examplamab 20 mg daily is recommended for synthetic condition X."
    new = "Examplamab 40 mg daily is strongly recommended for synthetic condition X."
    diff = text_diff(old, new)
    assert [line for line in diff if line.kind != "same"] == [
        DiffLine("removed", " 20"),
        DiffLine("added", " 40"),
        DiffLine("added", " strongly"),
    ]
    assert "".join(line.text for line in diff if line.kind != "added") == old
    assert "".join(line.text for line in diff if line.kind != "removed") == new


def test_text_diff_of_equal_texts_is_one_same_run_and_keeps_spacing():
    text = "Review the response\nafter 4 weeks;  then decide."
    assert text_diff(text, text) == [DiffLine("same", text)]
    assert text_diff("", "") == []
    assert text_diff("", "Added words.") == [DiffLine("added", "Added words.")]


def test_text_diff_separates_punctuation_from_words():
    diff = text_diff("Use 37.5 mg daily.", "Use 37.5 mg daily, with food.")
    assert diff == [DiffLine("same", "Use 37.5 mg daily"), DiffLine("added", ", with food"), DiffLine("same", ".")]
