"""Actor groups: an entity's `speaks_for` chain ends at the actor it stands for (kremlin → russia), so
frames and stances can be read per side. One place for the resolution and its cycle check."""
from __future__ import annotations


def speaks_for_problems(entities: dict[str, dict]) -> list[tuple[str, str, str]]:
    """(entity_id, message, found) for every self reference or cycle among `speaks_for` links (a link to
    an unknown entity is the validator's generic dangling-reference error)."""
    out = []
    for eid, row in entities.items():
        seen, cur = [eid], row.get("speaks_for")
        while isinstance(cur, str) and cur in entities:
            if cur in seen:
                out.append((eid, "speaks_for chain forms a cycle", " → ".join([*seen, cur])))
                break
            seen.append(cur)
            cur = entities[cur].get("speaks_for")
    return out


def actor_of(entity_id: str, entities: dict[str, dict]) -> str:
    """The actor `entity_id` stands for: follow `speaks_for` to its end (itself when null).

    >>> actor_of("kremlin", {"kremlin": {"speaks_for": "russia"}, "russia": {"speaks_for": None}})
    'russia'
    """
    seen = {entity_id}
    while True:
        nxt = (entities.get(entity_id) or {}).get("speaks_for")
        if not isinstance(nxt, str) or nxt not in entities or nxt in seen:
            return entity_id
        seen.add(nxt)
        entity_id = nxt
