"""DSA statement-of-reasons categories a rule may cite.

The list is the ``category`` enum of the EU DSA Transparency Database after its 1 July 2025 schema
change (aligned with Implementing Regulation 2024/2835). Validating against it at load time means a
statement of reasons built from a decision is never refused later for a misspelt category.
"""

from __future__ import annotations

DSA_CATEGORY_PREFIX = "STATEMENT_CATEGORY_"

DSA_CATEGORIES: frozenset[str] = frozenset(
    DSA_CATEGORY_PREFIX + name
    for name in (
        "ANIMAL_WELFARE",
        "CONSUMER_INFORMATION",
        "CYBER_VIOLENCE",
        "CYBER_VIOLENCE_AGAINST_WOMEN",
        "DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
        "ILLEGAL_OR_HARMFUL_SPEECH",
        "INTELLECTUAL_PROPERTY_INFRINGEMENTS",
        "NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
        "NOT_SPECIFIED_NOTICE",
        "OTHER_VIOLATION_TC",
        "PROTECTION_OF_MINORS",
        "RISK_FOR_PUBLIC_SECURITY",
        "SCAMS_AND_FRAUD",
        "SELF_HARM",
        "UNSAFE_AND_PROHIBITED_PRODUCTS",
        "VIOLENCE",
    )
)

# A category of the pre-July-2025 schema that the current list no longer has, with the advice
# given to an author who still uses it.
RETIRED_DSA_CATEGORIES: dict[str, str] = {
    "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE": "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
}


def check_dsa_category(value: str) -> str:
    """Return ``value`` if the Transparency Database accepts it, else raise with advice."""
    if value in DSA_CATEGORIES:
        return value
    if value in RETIRED_DSA_CATEGORIES:
        raise ValueError(
            f"{value} is not in the DSA Transparency Database schema of 2025-07-01; "
            f"use {RETIRED_DSA_CATEGORIES[value]}"
        )
    raise ValueError(
        f"unknown DSA category {value!r}; expected one of {', '.join(sorted(DSA_CATEGORIES))}"
    )
