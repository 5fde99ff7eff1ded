"""The entity_frames layer: a fine role sits under its item's main role; every PER/ORG/GPE entity the document
mentions has one item (codebook 5)."""
from __future__ import annotations

from typing import Mapping

from samestory import schema
from samestory.layers import Layer, Merge, synthetic
from samestory.schema.check import Context, found


def allowed_fine_roles(main_role) -> tuple[str, ...]:
    """The fine roles a main role admits (none for `none` or an unknown role)."""
    return tuple(schema.FINE_ROLES.get(main_role, ()))


def misplaced_fine_roles(item: dict) -> list[tuple[int, str]]:
    """(j, role) for each known fine role of the item not under its main role (unknown labels are reported
    by the layout check)."""
    fine = item.get("fine_roles")
    allowed = allowed_fine_roles(item.get("main_role"))
    return [(j, role) for j, role in enumerate(fine if isinstance(fine, list) else [])
            if role in schema.ALL_FINE_ROLES and role not in allowed]


def _rules(rec: dict, ctx: Context):
    """Fine roles belong to the main role (gold and predictions). An annotation also frames exactly the
    PER/ORG/GPE entities the document mentions, with evidence mentions that link to the entity."""
    items = rec.get("entities")
    items = items if isinstance(items, list) else []
    entities = ctx.entities if isinstance(ctx.entities, Mapping) else {}
    framed = set()
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        main = item.get("main_role")
        if "main_role" in item:
            for j, role in misplaced_fine_roles(item):
                yield (f"entities[{i}].fine_roles[{j}]", f"fine role not under main role {main!r}",
                       "one of " + (", ".join(allowed_fine_roles(main)) or "nothing (main_role none)"), found(role))
        if not ctx.annotation:
            continue
        eid = item.get("entity_id")
        if not isinstance(eid, str):
            continue
        framed.add(eid)
        if eid in entities and entities[eid].get("type") not in schema.FRAMED_TYPES:
            yield (f"entities[{i}].entity_id", "entity frames are for PER, ORG and GPE entities", "PER, ORG or GPE",
                   entities[eid].get("type"))
        evidence = item.get("evidence")
        for j, mid in enumerate(evidence if isinstance(evidence, list) else []):
            m = (ctx.mentions or {}).get(mid) if isinstance(mid, str) else None
            if m is not None and m.get("entity_id") != eid:
                yield (f"entities[{i}].evidence[{j}]", "evidence mention links to another entity", found(eid),
                       found(m.get("entity_id")))
    if ctx.annotation and ctx.mentions is not None:
        mentioned = {m.get("entity_id") for m in ctx.mentions.values()
                     if entities.get(m.get("entity_id"), {}).get("type") in schema.FRAMED_TYPES}
        for eid in sorted(mentioned - framed):
            yield ("entities", "a PER/ORG/GPE entity mentioned in the document has no frame item", found(eid),
                   "no item")


def _label_units(rec: dict):
    for e in rec["entities"]:
        yield "entity_frames.main_role", (e["entity_id"],), e["main_role"]
        yield "entity_frames.portrayal", (e["entity_id"],), e["portrayal"]


def _synthetic(rng, doc: dict) -> dict:
    """One item for each entity of the document's cast; fine roles under the main role."""
    items = []
    for eid in synthetic.cast(doc):
        main = rng.choice(schema.MAIN_ROLES)
        fine = rng.sample(schema.FINE_ROLES[main], rng.randint(1, 2)) if main != "none" else []
        items.append({"entity_id": eid, "main_role": main, "fine_roles": fine,
                      "portrayal": rng.choice(schema.PORTRAYALS), "evidence": []})
    return {"doc_id": doc["doc_id"], "entities": items}


LAYER = Layer(schema.CONFIGS["entity_frames"], rules=_rules, label_units=_label_units,
              label_measures={"entity_frames.main_role": "document × entity",
                              "entity_frames.portrayal": "document × entity"},
              synthetic=_synthetic,
              merge=Merge(key=("entity_id",), voted=("main_role", "portrayal"), sets=("fine_roles", "evidence"),
                          refs={"evidence": "mentions"}))
