"""Entity identity across sources, settled on facts before they are merged.

Sources name things their own way. Two rules make them meet:
- a subject is identified by its digest: the same bytes named ``model.ubj`` by an in-toto
  statement and ``credit-risk-pd-model`` by the manifest are one subject; later names are
  kept as aliases, not reported as conflicts; the same name on other bytes is another
  subject, never merged by name (SLSA names unimportant subjects ``_``);
- the model being released is ``model:@primary`` in every source and becomes
  ``model:<first stated name>``.
"""

from __future__ import annotations

from dataclasses import replace

from ..sources.interface import PRIMARY_MODEL
from . import vocab
from .facts import Fact, FactList, SourceRef

Pairs = list[tuple[SourceRef, FactList]]


def primary_node(pairs: Pairs) -> str:
    for _, facts in pairs:
        for fact in facts:
            if fact.path == ("model", "name"):
                return f"model:{vocab.entity_key(fact.value)}"
    return "model:unnamed-model"


def settle(pairs: Pairs) -> tuple[Pairs, str]:
    """Facts rewritten so that subjects and the primary model have one id each."""
    primary = primary_node(pairs)
    by_digest: dict[tuple[str, str], str] = {}
    digest_of: dict[str, set[tuple[str, str]]] = {}  # subject key -> the digests it stands for
    out: Pairs = []
    for source, facts in pairs:
        rename: dict[str, str] = {}
        for fact in facts:
            if fact.path[0] == "subjects" and len(fact.path) == 3 and fact.path[2] == "digest":
                key, ids = fact.path[1], set(fact.value.items())
                canonical = next((by_digest[i] for i in sorted(ids) if i in by_digest), None)
                if canonical is None and key in digest_of and not ids & digest_of[key]:
                    # same name, other bytes: a different subject (never merged by name)
                    alg, hex_ = _preferred(fact.value)
                    canonical = f"{key}-{alg}-{hex_[:12]}"
                canonical = canonical or key
                for i in ids:
                    by_digest.setdefault(i, canonical)
                digest_of.setdefault(canonical, set()).update(ids)
                if canonical != key:
                    rename[key] = canonical
        out.append((source, FactList(_rewrite(f, rename, primary) for f in facts)))
    return out, primary


def _preferred(digest: dict[str, str]) -> tuple[str, str]:
    alg = "sha256" if "sha256" in digest else sorted(digest)[0]
    return alg, digest[alg]


def _rewrite(fact: Fact, rename: dict[str, str], primary: str) -> Fact:
    path = fact.path
    if path[0] == "subjects" and path[1] in rename:
        key = rename[path[1]]
        if path[2:] == ("name",):
            return replace(fact, path=("subjects", key, "extra", "aliases"), value=[fact.value], union=True)
        return replace(fact, path=("subjects", key, *path[2:]))
    if path[:2] != ("lineage", "edges"):
        return fact

    def node(ref: str) -> str:
        if ref == PRIMARY_MODEL:
            return primary
        kind, _, key = ref.partition(":")
        return f"artifact:{rename[key]}" if kind == "artifact" and key in rename else ref

    frm, typ, to = path[2].split("|", 2)
    value = node(fact.value) if path[3] in ("from", "to") else fact.value
    return replace(fact, path=(*path[:2], f"{node(frm)}|{typ}|{node(to)}", path[3]), value=value)
