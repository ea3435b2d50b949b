"""content.jsonl and the content half of truth.jsonl, one item at a time."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from veracity.sim import truth as T
from veracity.sim.claims import Claim
from veracity.sim.codes import C2PA_STATES, KIND_IMAGE, KIND_VIDEO, KINDS, PostRole
from veracity.sim.content_plan import ContentPlan, campaign_text
from veracity.sim.jsonl import Clock, JsonlWriter
from veracity.sim.population import Population
from veracity.sim.text import (
    jaccard,
    organic_comment,
    organic_post,
    paraphrase,
    related_text,
    spam_text,
)
from veracity.sim.vocab import AI_GENERATORS, AI_SOURCE_TYPE, CAPTURE_SOURCE_TYPE, VOCABULARIES


def post_id(i: int) -> str:
    return f"post-{i:06d}"


def comment_id(j: int) -> str:
    return f"cmt-{j:06d}"


def account_id(a: int) -> str:
    return f"acc-{a:06d}"


def post_labels(
    plan: ContentPlan, i: int, targets: dict[int, str]
) -> tuple[list[str], dict[str, Any]]:
    """Labels of a post that follow from the plan alone (text-dependent details come later)."""
    labels: list[str] = []
    details: dict[str, Any] = {}
    role = int(plan.post_role[i])
    if role == PostRole.CLAIM_REPEAT:
        labels.append(T.CLAIM_REPEAT)
        details["source"] = "organic"
    elif role == PostRole.HARD_NEGATIVE:
        labels.append(T.CLAIM_RELATED)
    elif role == PostRole.SPAM:
        labels.append(T.SPAM)
    elif role == PostRole.BOT:
        farm = plan.farms[int(plan.post_aux[i])]
        labels.append(T.BOT_POST)
        details["farm_id"] = f"farm-{int(plan.post_aux[i]) + 1:03d}"
        if farm.kind == "spam":
            labels.append(T.SPAM)
        elif farm.claim_ids and farm.claim_ids[0] is not None:
            labels.append(T.CLAIM_REPEAT)
            details["source"] = "bot"
    elif role == PostRole.CAMPAIGN:
        labels += [T.CAMPAIGN_POST, T.CLAIM_REPEAT]
        details["campaign_id"] = plan.campaigns[int(plan.post_aux[i])].id
        details["source"] = "campaign"
    ai = int(plan.post_ai[i])
    if ai >= 0:
        labels.append(T.AI_GENERATED if ai else T.AUTHENTIC_MEDIA)
        details["ai_generated"] = bool(ai)
        details["c2pa_state"] = C2PA_STATES[int(plan.post_c2pa[i])]
        details["disclosed"] = bool(plan.post_disclosed[i])
    if i in targets:
        labels.append(T.FAKE_ENGAGEMENT_TARGET)
        details["lockstep_group_id"] = targets[i]
    return labels, details


class ContentWriter:
    """Writes every post then every comment, with text drawn from one seeded stream."""

    def __init__(
        self,
        rng: random.Random,
        plan: ContentPlan,
        pop: Population,
        claims: list[Claim],
        clock: Clock,
    ) -> None:
        self.rng = rng
        self.plan = plan
        self.pop = pop
        self.clock = clock
        self.by_language: dict[str, list[Claim]] = {}
        self.misleading: dict[str, list[Claim]] = {}
        for c in claims:
            self.by_language.setdefault(c.language, []).append(c)
            if c.rating != "true":
                self.misleading.setdefault(c.language, []).append(c)
        self.claim_by_id = {c.id: c for c in claims}
        self.targets = plan.lockstep_targets()

    def _pick(self, table: dict[str, list[Claim]], language: str) -> Claim:
        pool = table.get(language) or [c for cs in table.values() for c in cs]
        return self.rng.choice(pool)

    def write(
        self, content: JsonlWriter, truth: JsonlWriter, progress: Callable[[str], None]
    ) -> None:
        for i in range(self.plan.posts):
            record, labels, details = self._post(i)
            content.write(record)
            if labels:
                truth.write(T.truth_record("content", record["id"], labels, details))
            if i and i % 100_000 == 0:
                progress(f"content: {i} posts")
        for j in range(self.plan.comments):
            record, labels, details = self._comment(j)
            content.write(record)
            if labels:
                truth.write(T.truth_record("content", record["id"], labels, details))

    def _post(self, i: int) -> tuple[dict[str, Any], list[str], dict[str, Any]]:
        plan, rng = self.plan, self.rng
        author = int(plan.post_author[i])
        language = self.pop.language(author)
        vocab = VOCABULARIES[language]
        kind = int(plan.post_kind[i])
        role = int(plan.post_role[i])
        labels, details = post_labels(plan, i, self.targets)
        pid = post_id(i)
        text = ""
        transcript: str | None = None
        on_screen: str | None = None
        if role == PostRole.CLAIM_REPEAT:
            claim = self._pick(self.misleading, language)
            language, vocab = claim.language, VOCABULARIES[claim.language]
            repeat = paraphrase(rng, vocab, claim.text)
            where = "text"
            roll = rng.random()
            if kind == KIND_VIDEO and roll < 0.4:
                where = "transcript" if roll < 0.25 else "on_screen_text"
            elif kind == KIND_IMAGE and roll < 0.3:
                where = "on_screen_text"
            if where == "text":
                text = repeat
            else:
                text = f"{rng.choice(vocab.prefixes)} {rng.choice(vocab.hashtags)}"
                transcript, on_screen = (repeat, None) if where == "transcript" else (None, repeat)
            details.update(claim_id=claim.id, rating=claim.rating, where=where)
            details["jaccard"] = round(jaccard(repeat, claim.text), 3)
        elif role == PostRole.HARD_NEGATIVE:
            claim = self._pick(self.by_language, language)
            language, vocab = claim.language, VOCABULARIES[claim.language]
            text = related_text(rng, vocab, claim.subject, claim.text)
            details.update(claim_id=claim.id, jaccard=round(jaccard(text, claim.text), 3))
        elif role == PostRole.BOT:
            farm = plan.farms[int(plan.post_aux[i])]
            k = rng.randrange(len(farm.texts))
            text, language = farm.texts[k], farm.language
            claim_id = farm.claim_ids[k]
            if claim_id is not None:
                claim = self.claim_by_id[claim_id]
                details.update(claim_id=claim_id, rating=claim.rating, where="text")
                details["jaccard"] = round(jaccard(text, claim.text), 3)
            spam = farm.spam[k]
            if spam is not None:
                details.update(phrase=spam[0], domain=spam[1])
        elif role == PostRole.CAMPAIGN:
            campaign = plan.campaigns[int(plan.post_aux[i])]
            text, language = campaign_text(rng, campaign), campaign.language
            claim = campaign.claim
            details.update(claim_id=claim.id, rating=claim.rating, where="text")
            details["jaccard"] = round(jaccard(text, claim.text), 3)
        elif role == PostRole.SPAM:
            text, phrase, domain = spam_text(rng, vocab)
            details.update(phrase=phrase, domain=domain)
        else:
            text = organic_post(rng, vocab)
            if kind == KIND_VIDEO and rng.random() < 0.4:
                transcript = organic_post(rng, vocab)
        record: dict[str, Any] = {
            "id": pid,
            "account_id": account_id(author),
            "kind": KINDS[kind],
            "text": text,
        }
        if transcript is not None:
            record["transcript"] = transcript
        if on_screen is not None:
            record["on_screen_text"] = on_screen
        metadata: dict[str, Any] = {}
        if int(plan.post_ai[i]) >= 0:
            record["media"] = [self._media(pid, kind)]
            metadata = self._provenance(i)
            if details.get("ai_generated") and "claim_generator" in metadata["c2pa"]:
                details["generator"] = metadata["c2pa"]["claim_generator"]
        record["language"] = language
        record["region"] = self.pop.region(author, VOCABULARIES[self.pop.language(author)].regions)
        record["created_at"] = self.clock.iso(int(plan.post_time[i]))
        record["metadata"] = metadata
        return record, labels, details

    def _media(self, pid: str, kind: int) -> dict[str, Any]:
        rng = self.rng
        sha = f"{rng.getrandbits(256):064x}"
        if kind == KIND_VIDEO:
            duration = round(rng.uniform(5, 180), 1)
            return {
                "url": f"https://cdn.platform.example/v/{pid}.mp4",
                "mime_type": "video/mp4",
                "sha256": sha,
                "duration_s": duration,
            }
        return {
            "url": f"https://cdn.platform.example/i/{pid}.jpg",
            "mime_type": "image/jpeg",
            "sha256": sha,
        }

    def _provenance(self, i: int) -> dict[str, Any]:
        """Content Credentials as the platform read them; absent, valid or failing validation."""
        ai = bool(self.plan.post_ai[i])
        state = C2PA_STATES[int(self.plan.post_c2pa[i])]
        c2pa: dict[str, Any] = {"state": state}
        if state == "valid":
            c2pa["digital_source_type"] = AI_SOURCE_TYPE if ai else CAPTURE_SOURCE_TYPE
            c2pa["claim_generator"] = self.rng.choice(AI_GENERATORS) if ai else "camera-app/3.1"
        elif state == "invalid":
            # A broken manifest often claims a camera capture that the signature no longer backs.
            c2pa["digital_source_type"] = CAPTURE_SOURCE_TYPE
            c2pa["validation_errors"] = [
                self.rng.choice(("signature.mismatch", "assertion.hashedURI.mismatch"))
            ]
        return {"c2pa": c2pa, "ai_disclosed": bool(self.plan.post_disclosed[i])}

    def _comment(self, j: int) -> tuple[dict[str, Any], list[str], dict[str, Any]]:
        plan, rng = self.plan, self.rng
        author = int(plan.comment_author[j])
        language = self.pop.language(author)
        vocab = VOCABULARIES[language]
        labels: list[str] = []
        details: dict[str, Any] = {}
        if plan.comment_spam[j]:
            text, phrase, domain = spam_text(rng, vocab)
            labels.append(T.SPAM)
            details.update(phrase=phrase, domain=domain)
        else:
            text = organic_comment(rng, vocab)
        record = {
            "id": comment_id(j),
            "account_id": account_id(author),
            "kind": "comment",
            "text": text,
            "language": language,
            "region": self.pop.region(author, vocab.regions),
            "parent_id": post_id(int(plan.comment_parent[j])),
            "created_at": self.clock.iso(int(plan.comment_time[j])),
            "metadata": {},
        }
        return record, labels, details
