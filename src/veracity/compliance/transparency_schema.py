"""The DSA Transparency Database's vocabulary: field names, enumerations and limits.

Everything here is copied from the database's published rules (schema of 1 July 2025, API v1;
``../shared/docs/reference/specs.md`` section 2.3, checked against the Commission's
``StatementStoreRequest.php`` and ``Statement.php``). It is data only, so the validator, the
export and the tests read one list, and a schema change is an edit in one place.
"""

from __future__ import annotations

import re
from datetime import date

from veracity.policy.dsa import DSA_CATEGORIES


def _words(text: str) -> tuple[str, ...]:
    """Long code lists stay readable as space-separated text."""
    return tuple(text.split())


API_PATH = "/api/v1/statements"  # the multiple-statement endpoint: {"statements": [...]}
MAX_BATCH = 100  # "between:1,100" statements per call

GROUND_ILLEGAL = "DECISION_GROUND_ILLEGAL_CONTENT"
GROUND_INCOMPATIBLE = "DECISION_GROUND_INCOMPATIBLE_CONTENT"
DECISION_GROUNDS = frozenset({GROUND_ILLEGAL, GROUND_INCOMPATIBLE})

VISIBILITY_OTHER = "DECISION_VISIBILITY_OTHER"
DECISION_VISIBILITIES = frozenset(
    {
        "DECISION_VISIBILITY_CONTENT_REMOVED",
        "DECISION_VISIBILITY_CONTENT_DISABLED",
        "DECISION_VISIBILITY_CONTENT_DEMOTED",
        "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
        "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED",
        "DECISION_VISIBILITY_CONTENT_LABELLED",
        VISIBILITY_OTHER,
    }
)
MONETARY_OTHER = "DECISION_MONETARY_OTHER"
DECISION_MONETARIES = frozenset(
    {"DECISION_MONETARY_SUSPENSION", "DECISION_MONETARY_TERMINATION", MONETARY_OTHER}
)
DECISION_PROVISIONS = frozenset(
    {
        "DECISION_PROVISION_PARTIAL_SUSPENSION",
        "DECISION_PROVISION_TOTAL_SUSPENSION",
        "DECISION_PROVISION_PARTIAL_TERMINATION",
        "DECISION_PROVISION_TOTAL_TERMINATION",
    }
)
DECISION_ACCOUNTS = frozenset({"DECISION_ACCOUNT_SUSPENDED", "DECISION_ACCOUNT_TERMINATED"})
# At least one of these four restriction fields ("required_without_all").
RESTRICTION_FIELDS = (
    "decision_visibility",
    "decision_monetary",
    "decision_provision",
    "decision_account",
)
ACCOUNT_TYPES = frozenset({"ACCOUNT_TYPE_BUSINESS", "ACCOUNT_TYPE_PRIVATE"})

CONTENT_TYPE_OTHER = "CONTENT_TYPE_OTHER"
CONTENT_TYPES = frozenset(
    {
        "CONTENT_TYPE_APP",
        "CONTENT_TYPE_AUDIO",
        "CONTENT_TYPE_IMAGE",
        "CONTENT_TYPE_PRODUCT",
        "CONTENT_TYPE_SYNTHETIC_MEDIA",
        "CONTENT_TYPE_TEXT",
        "CONTENT_TYPE_VIDEO",
        CONTENT_TYPE_OTHER,
    }
)

CATEGORIES = DSA_CATEGORIES  # the 16 STATEMENT_CATEGORY_* values
KEYWORD_OTHER = "KEYWORD_OTHER"
KEYWORDS = frozenset(
    "KEYWORD_" + name
    for name in _words(
        "ADULT_SEXUAL_MATERIAL AGE_SPECIFIC_RESTRICTIONS AGE_SPECIFIC_RESTRICTIONS_MINORS "
        "ANIMAL_HARM BIOMETRIC_DATA_BREACH BULLYING_AGAINST_GIRLS CHILD_SEXUAL_ABUSE_MATERIAL "
        "CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE CONTENT_PROMOTING_EATING_DISORDERS COORDINATED_HARM "
        "COPYRIGHT_INFRINGEMENT CYBER_BULLYING_INTIMIDATION CYBER_HARASSMENT "
        "CYBER_HARASSMENT_AGAINST_WOMEN CYBER_INCITEMENT CYBER_STALKING "
        "CYBER_STALKING_AGAINST_WOMEN DATA_FALSIFICATION DEFAMATION DESIGN_INFRINGEMENT "
        "DISCRIMINATION FEMALE_GENDERED_DISINFORMATION GEOGRAPHIC_INDICATIONS_INFRINGEMENT "
        "GEOGRAPHICAL_REQUIREMENTS GOODS_SERVICES_NOT_PERMITTED "
        "GROOMING_SEXUAL_ENTICEMENT_MINORS HATE_SPEECH HIDDEN_ADVERTISEMENT HUMAN_EXPLOITATION "
        "HUMAN_TRAFFICKING ILLEGAL_ORGANIZATIONS IMPERSONATION_ACCOUNT_HIJACKING "
        "INAUTHENTIC_ACCOUNTS INAUTHENTIC_LISTINGS INAUTHENTIC_USER_REVIEWS "
        "INCITEMENT_AGAINST_WOMEN INCITEMENT_VIOLENCE_HATRED INSUFFICIENT_INFORMATION_ON_TRADERS "
        "LANGUAGE_REQUIREMENTS MISINFORMATION_DISINFORMATION MISLEADING_INFO_CONSUMER_RIGHTS "
        "MISLEADING_INFO_GOODS_SERVICES MISSING_PROCESSING_GROUND NON_CONSENSUAL_IMAGE_SHARING "
        "NON_CONSENSUAL_IMAGE_SHARING_AGAINST_WOMEN NON_CONSENSUAL_MATERIAL_DEEPFAKE "
        "NON_CONSENSUAL_MATERIAL_DEEPFAKE_AGAINST_WOMEN NONCOMPLIANCE_PRICING NUDITY "
        "PATENT_INFRINGEMENT PHISHING PROHIBITED_PRODUCTS PYRAMID_SCHEMES RIGHT_TO_BE_FORGOTTEN "
        "RISK_ENVIRONMENTAL_DAMAGE RISK_PUBLIC_HEALTH SELF_MUTILATION STALKING SUICIDE "
        "TERRORIST_CONTENT TRADE_SECRET_INFRINGEMENT TRADEMARK_INFRINGEMENT "
        "TRAFFICKING_WOMEN_GIRLS UNLAWFUL_SALE_ANIMALS UNSAFE_CHALLENGES UNSAFE_PRODUCTS "
        "VIOLATION_EU_LAW VIOLATION_NATIONAL_LAW OTHER"
    )
)

# EU and EEA member states, ISO 3166-1 alpha-2 (Greece is GR, not EL).
EEA_COUNTRIES: tuple[str, ...] = _words(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IS IT LI LT LU LV MT NL NO PL PT RO SE SI SK"
)
# Uppercase ISO 639-1 codes the database accepts for content_language.
LANGUAGES = frozenset(
    _words(
        "AA AB AE AF AK AM AN AR AS AV AY AZ BA BE BG BH BI BM BN BO BR BS CA CE CH CO CR CS CU CV "
        "CY DA DE DV DZ EE EL EN EO ES ET EU FA FF FI FJ FO FR FY GA GD GL GN GU GV HA HE HI HO HR "
        "HT HU HY HZ IA ID IE IG II IK IO IS IT IU JA JV KA KG KI KJ KK KL KM KN KO KR KS KU KV KW "
        "KY LA LB LG LI LN LO LT LU LV MG MH MI MK ML MN MR MS MT MY NA NB ND NE NG NL NN NO NR NV "
        "NY OC OJ OM OR OS PA PI PL PS PT QU RM RN RO RU RW SA SC SD SE SG SI SK SL SM SN SO SQ SR "
        "SS ST SU SV SW TA TE TG TH TI TK TL TN TO TR TS TT TW TY UG UK UR UZ VE VI VO WA WO XH YI "
        "YO ZA ZH ZU"
    )
)

SOURCE_VOLUNTARY = "SOURCE_VOLUNTARY"
SOURCE_TYPES = frozenset(
    {
        "SOURCE_ARTICLE_16",
        "SOURCE_TRUSTED_FLAGGER",
        "SOURCE_TYPE_OTHER_NOTIFICATION",
        SOURCE_VOLUNTARY,
    }
)
YES_NO = frozenset({"Yes", "No"})  # automated_detection, incompatible_content_illegal: literal
AUTOMATED_DECISIONS = frozenset(
    {"AUTOMATED_DECISION_FULLY", "AUTOMATED_DECISION_PARTIALLY", "AUTOMATED_DECISION_NOT_AUTOMATED"}
)

PUID_PATTERN = re.compile(r"[a-zA-Z0-9_-]+")  # matched in full; the API adds /D (no newline)
MAX_PUID = 500

# Free-text fields and their length limits (characters).
TEXT_LIMITS: dict[str, int] = {
    "decision_visibility_other": 500,
    "decision_monetary_other": 500,
    "decision_ground_reference_url": 500,
    "illegal_content_legal_ground": 500,
    "illegal_content_explanation": 2000,
    "incompatible_content_ground": 500,
    "incompatible_content_explanation": 2000,
    "content_type_other": 500,
    "category_specification_other": 500,
    "decision_facts": 5000,
    "source_identity": 500,
}

END_DATE_FIELDS = (
    "end_date_account_restriction",
    "end_date_monetary_restriction",
    "end_date_service_restriction",
    "end_date_visibility_restriction",
)
# Inclusive bounds of the date fields ("after_or_equal" / "before_or_equal").
DATE_BOUNDS: dict[str, tuple[date | None, date]] = {
    "content_date": (date(2000, 1, 1), date(2038, 1, 1)),
    "application_date": (date(2020, 1, 1), date(2038, 1, 1)),
    **{name: (None, date(2038, 1, 1)) for name in END_DATE_FIELDS},
}

REQUIRED = (
    "decision_ground",
    "content_type",
    "category",
    "content_date",
    "application_date",
    "decision_facts",
    "source_type",
    "automated_detection",
    "automated_decision",
    "puid",
)

# Every field the API reads; anything else is silently dropped there, so it is a mistake here.
FIELDS = frozenset(
    {
        *RESTRICTION_FIELDS,
        *REQUIRED,
        *TEXT_LIMITS,
        *END_DATE_FIELDS,
        "account_type",
        "incompatible_content_illegal",
        "category_addition",
        "category_specification",
        "territorial_scope",
        "content_language",
        "content_id",
        "content_id_ean",
    }
)
