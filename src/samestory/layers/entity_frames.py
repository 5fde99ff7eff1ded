"""The entity_frames layer: a fine role sits under its item's main role (codebook 5)."""
from __future__ import annotations

from samestory import schema
from samestory.layers import Layer, Merge, synthetic


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


LAYER = Layer(schema.CONFIGS["entity_frames"], label_units=_label_units,
              label_measures={"entity_frames.main_role": "document × entity",
                              "entity_frames.portrayal": "document × entity"},
              synthetic=_synthetic,
              merge=Merge(key=("entity_id",), voted=("main_role", "portrayal"), sets=("fine_roles", "evidence"),
                          refs={"evidence": "mentions"}))
