"""What readers are shown of a quote that carries a summary's footnote marks."""

from __future__ import annotations

import pytest

from curbside.compose.audience import rewrite_claims
from curbside.language.clean import without_footnote_marks
from curbside.model import Article, Bullet, Claim, Section


def test_footnote_marks_are_dropped_and_exponents_kept():
    assert without_footnote_marks("Offer examplamab ^3 to women with synthetic diabetes.") == (
        "Offer examplamab to women with synthetic diabetes."
    )
    assert without_footnote_marks("Consider fictinib ^4,5, then review.") == "Consider fictinib, then review."
    assert without_footnote_marks("Give testoxetine (oral)^b daily.") == "Give testoxetine (oral) daily."
    kept = "A count of 250 cells/mm^3 (0.25 x 10^9/L) at a BMI of 30 kg/m^2."
    assert without_footnote_marks(kept) == kept


@pytest.mark.parametrize("audience", ["physician", "pharmacist", "nurse", "student", "patient"])
def test_every_audience_is_shown_the_quote_without_its_footnote_marks(audience):
    quote = "Offer examplamab ^3 to women with synthetic diabetes."
    claim = Claim(quote, 1, "s@1#0")
    article = Article(question="q", title="t", sections=[Section("s", "S", [Bullet("", [claim])])])
    rewrite_claims(article, audience, protected=["examplamab"])
    assert "^3" not in claim.shown and "examplamab" in claim.shown.lower()
    assert claim.text == quote  # the quote the citation is checked against is unchanged
