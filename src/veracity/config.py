"""One configuration object for the whole process.

Every tunable lives here (environment variables prefixed ``VERACITY_`` or a ``.env`` file), so
thresholds and limits are never hard-coded in several places.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_POLICY_DIR = PACKAGE_DIR / "policies"


class Settings(BaseSettings):
    """Runtime settings; see docs/operations.md for each one."""

    model_config = SettingsConfigDict(env_prefix="VERACITY_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///./veracity.db"
    data_dir: Path = Path("../shared/data")
    policy_dir: Path = DEFAULT_POLICY_DIR

    # Ingestion limits: oversized input is refused with a clear 413/422, never truncated.
    max_body_bytes: int = 8 * 1024 * 1024
    max_batch_items: int = 1000
    max_text_chars: int = 20_000
    max_metadata_bytes: int = 16 * 1024

    # Online detectors (None = the detector's own default, documented in its module).
    detect_text_match_threshold: float | None = None
    detect_language_min_letters: int | None = None
    detect_language_max_chars: int | None = None
    detect_domain_severities: dict[str, float] | None = None
    detect_bundled_lists: bool | None = None

    # Claim matching against the fact-check store: match probability thresholds for a
    # "suggested" match (queued for fact-checkers) and a "confirmed" one (labelled automatically).
    claim_match_suggested: float | None = None  # default 0.5
    claim_match_confirmed: float | None = None  # default 0.9
    # Cross-lingual matching (multilingual-e5, the `multilingual` extra): a post in one language
    # matches a claim in another. Off by default: ~75 posts/s instead of ~3,000.
    claim_match_multilingual: bool = False
    # A model from `veracity train claims` (e.g. MiniLM + WordLlama: MAP@5 0.93 on CLEF
    # Dev-Test but ~20 posts/s); unset: the shipped hand-set fusion (~1,500 posts/s).
    claim_match_model_path: Path | None = None
    # Re-labelling of past posts when a fact-check arrives or is retracted.
    factcheck_relabel_window_days: float | None = None  # default 30
    factcheck_relabel_max_posts: int | None = None  # default 100,000

    # Media detectors (provenance, PDQ) read file:// media refs only inside this folder; without
    # it media are reported as not analysed. Remote URLs are never fetched.
    media_root: Path | None = None

    # AI-generated content: media analysis (provenance, metadata, watermarks).
    aigc_trust_anchors: Path | None = None  # PEM file of C2PA trust anchors
    aigc_max_media_bytes: int | None = None  # default 64 MiB
    aigc_max_image_pixels: int | None = None  # default 40 M pixels
    aigc_video_timeout_s: float | None = None  # default 20 s
    aigc_video_keyframes: int | None = None  # default 4
    aigc_watermark_max_pixels: int | None = None  # default 16 M pixels

    # AI-text detector: the model `veracity train aitext` writes (none ships: the training data
    # is research-only), and the shortest text it scores.
    aitext_model_path: Path = Path("var/models/aitext.npz")
    detect_aitext_min_words: int | None = None  # default 5
    # Account integrity and spam models (`veracity train accounts|spam`; none ships)
    accounts_model_path: Path = Path("var/models/accounts.npz")
    spam_model_path: Path = Path("var/models/spam.npz")

    # How often a process checks whether another one changed the matching banks.
    bank_refresh_s: float = 5.0

    # Outbox delivery.
    webhook_url: str | None = None
    webhook_secret: str = "change-me"
    webhook_timeout_s: float = 5.0
    outbox_max_attempts: int = 8
    outbox_backoff_base_s: float = 0.5
    outbox_backoff_max_s: float = 300.0
    outbox_poll_interval_s: float = 0.2
    outbox_batch_size: int = 100
    outbox_lease_s: float = 30.0
    outbox_concurrency: int = 16

    # API authentication: configured tokens act as role admin; users, their roles and their own
    # API tokens are managed with `veracity users|tokens` (docs/roles.md).
    api_token: str | None = None
    # Web sessions end after this much inactivity, and in any case this long after sign-in.
    session_idle_minutes: float = Field(default=30.0, gt=0)
    session_absolute_hours: float = Field(default=12.0, gt=0)
    # Send the session cookie over HTTPS only (set it when serving behind TLS).
    session_cookie_secure: bool = False
    # scrypt cost for new password hashes (a power of two; stored hashes keep their own).
    password_scrypt_n: int = Field(default=2**15, ge=2**10, le=2**20)

    # Community notes (docs/notes.md): who may write and rate notes. A contributor's account
    # must be this old and have had at most this many restrictive decisions in the window.
    notes_min_account_age_days: float = Field(default=180.0, ge=0)
    notes_violation_window_days: float = Field(default=90.0, ge=0)
    notes_max_recent_violations: int = Field(default=0, ge=0)

    # Human review (docs/review.md): the routing file (queues, rules, SLAs, policy tags, lock
    # length, double-review rate, appeal window); unset: the bundled review/routing.yaml.
    review_config: Path | None = None

    # Operations (docs/operations.md): logs, metrics, rate limits, hostile input, retention.
    log_format: str = Field(default="text", pattern="^(text|json)$")
    log_level: str = "INFO"
    # /metrics needs a metrics-reading role (admin, analyst, auditor, policy_admin) unless public;
    # the path can be moved (e.g. to one only the scraper's network reaches).
    metrics_path: str = Field(default="/metrics", pattern="^/[A-Za-z0-9_/-]*$")
    metrics_public: bool = False
    # Token bucket per API credential, per API process: sustained requests/s and burst; roles
    # may get their own rate (the highest of a caller's roles applies), e.g. {"service": 5000}.
    rate_limit_enabled: bool = True
    rate_limit_per_s: float = Field(default=1000.0, gt=0)
    rate_limit_burst: float = Field(default=2000.0, ge=1)
    rate_limit_roles: dict[str, float] | None = None
    max_json_depth: int = Field(default=32, ge=2, le=1000)
    # Retention (`veracity jobs retention`): notifier contact data is erased this many days
    # after the notice; content text is blanked this many days after ingestion unless a
    # decision acted on it. None keeps them forever.
    retention_report_contacts_days: float | None = Field(default=None, gt=0)
    retention_content_text_days: float | None = Field(default=None, gt=0)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Process-wide settings, read once."""
    return Settings()
