"""Words for the provenance panel and tooltips, from the analysis JSON (Qt-free)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reader.core.attribution import KIND_LABELS

SOURCE_LABELS = {
    "named_person": "Named person",
    "named_organization": "Named organisation",
    "unnamed": "Unnamed source",
    "media": "Other media",
    "document": "Document",
    "self": "The outlet itself",
}
CLAIM_REASONS = {
    "number": "states a figure",
    "superlative": "superlative",
    "certainty": "stated as certain",
    "prediction": "predicts",
    "evaluative": "judges",
}


def source_name(att: dict[str, Any]) -> str:
    source = att.get("source") or {}
    name = (source.get("text") or "").strip()
    if not name:
        return "(no source given)"
    return name


def why(att: dict[str, Any]) -> str:
    """Why the source got its type: "vague: 'analysts'", "named: 'Dana Kowal'", …"""
    stype = att.get("source_type") or ""
    trigger = att.get("vague_trigger")
    resolved = att.get("source_resolved")
    name = source_name(att)
    if not att.get("source"):
        return "no source given (agentless phrasing)"
    if trigger:
        return f"vague: '{trigger}'"
    if resolved:
        return f"refers back to '{resolved}'"
    return {
        "named_person": f"named person: '{name}'",
        "named_organization": f"named organisation: '{name}'",
        "media": f"another outlet: '{name}'",
        "document": f"a document: '{name}'",
        "self": f"the outlet itself: '{name}'",
        "unnamed": f"not identified: '{name}'",
    }.get(stype, name)


def tooltip(att: dict[str, Any]) -> str:
    stype = att.get("source_type") or ""
    kind = KIND_LABELS.get(att.get("kind") or "", att.get("kind") or "")
    cue = (att.get("cue") or {}).get("text") or ""
    lines = [f"{SOURCE_LABELS.get(stype, stype)} · {kind}", why(att)]
    if cue:
        lines.append(f"cue: “{cue}”")
    return "\n".join(lines)


def claim_tooltip(claim: dict[str, Any]) -> str:
    reason = claim.get("reason") or ""
    return f"Strong claim with no attribution\n{CLAIM_REASONS.get(reason, reason)}".strip()


def excerpt(text: str, limit: int = 110) -> str:
    text = " ".join(text.split()).strip("\"“”' ")
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + "…"


@dataclass
class SourceGroup:
    """All attributions credited to one source (by its resolved or written name)."""

    name: str
    source_type: str
    indexes: list[int] = field(default_factory=list)


def group_by_source(attributions: list[dict[str, Any]]) -> list[SourceGroup]:
    """Groups in order of first appearance; named sources merge case-insensitively."""
    groups: dict[tuple[str, str], SourceGroup] = {}
    for i, att in enumerate(attributions):
        name = att.get("source_resolved") or source_name(att)
        stype = att.get("source_type") or "self"
        key = (name.casefold().removeprefix("the "), stype)
        group = groups.get(key)
        if group is None:
            group = groups[key] = SourceGroup(name, stype)
        group.indexes.append(i)
    return list(groups.values())


def profile_sentence(profile: dict[str, Any] | None) -> str:
    if not profile or not profile.get("total"):
        return "No attributed claims found."
    share = profile.get("unnamed_share")
    total = int(profile["total"])
    noun = "attribution" if total == 1 else "attributions"
    if share is None:
        return f"{total} {noun}."
    return f"{share:.0%} of attributed claims rest on unnamed sources ({total} {noun})."
