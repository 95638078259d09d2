"""Pure pairwise name matching: :func:`match_names` scores two names and explains why.

>>> r = match_names("Kim Jong Un", "KIM, Jong Un", EntityType.PERSON)
>>> r.score
1.0
"""

from __future__ import annotations

from dataclasses import dataclass

from prosper.matching.names import NameScore, score_name
from prosper.matching.ofac import ofac_score
from prosper.matching.population import population_weights
from prosper.model import EntityType, Explanation
from prosper.names.normalize import prepare_name
from prosper.names.readings import name_readings
from prosper.names.weights import TokenWeights

__all__ = ["MatchResult", "explain_name", "match_names", "ofac_score"]


@dataclass(frozen=True, slots=True)
class MatchResult:
    """The score of one name pair with its explanation.

    Attributes:
        score: Prosper's score in [0, 1].
        explanation: The features behind it (``name_match`` with the token alignment).
        ofac_score: OFAC Sanctions List Search–style score for comparison, or ``None``.
    """

    score: float
    explanation: tuple[Explanation, ...]
    ofac_score: float | None = None


def explain_name(result: NameScore) -> Explanation:
    """The ``name_match`` explanation of a name score."""
    return Explanation("name_match", round(result.score, 4), result.detail())


def match_names(
    a: str,
    b: str,
    type: EntityType | None = None,
    weights: TokenWeights | None = None,
) -> MatchResult:
    """Score name ``a`` (the screened name) against name ``b`` (a list name).

    Args:
        a: The first name, any script.
        b: The second name, any script.
        type: The entity type when known: persons get ``LAST, First`` reordering and
            initials; organisations get legal forms removed.
        weights: Token weights; the statistics shipped with Prosper by default.

    Returns:
        The score in [0, 1], its explanation and the OFAC-style score.
    """
    w = population_weights() if weights is None else weights
    type = None if type is None else EntityType(type)  # accept "person" from edges too
    # every reading of each field (mixed-script halves, Hanja read as Korean): the best pair
    result = max(
        (
            score_name(prepare_name(ra, type), prepare_name(rb, type), w, type)
            for ra in name_readings(a)
            for rb in name_readings(b)
        ),
        key=lambda r: r.score,
    )
    return MatchResult(
        score=round(result.score, 4),
        explanation=(explain_name(result),),
        ofac_score=ofac_score(a, b),
    )
