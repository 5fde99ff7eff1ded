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


# --- the side rule: one casting per actor group and document (report and scorer both call it) -----------

MIXED = "mixed"
"""A side's derived portrayal or main role when its entities carry different marked values in one document."""
UNMARKED = {"portrayal": "neutral", "main_role": "none"}
"""The unmarked value of each casting field: any other value is a marked casting and outranks it."""


def side_labels() -> tuple[str, ...]:
    """The portrayals a side can get: the schema's portrayals plus `mixed`."""
    from samestory.schema import PORTRAYALS

    return (*PORTRAYALS, MIXED)


def groups(entities: dict[str, dict]) -> dict[str, list[str]]:
    """Head → [head, its members…] for every actor that another entity speaks for (table order).

    >>> groups({"kremlin": {"speaks_for": "russia"}, "russia": {"speaks_for": None}, "nato": {}})
    {'russia': ['russia', 'kremlin']}
    """
    out: dict[str, list[str]] = {}
    for eid in entities:
        head = actor_of(eid, entities)
        if head != eid:
            out.setdefault(head, [head]).append(eid)
    return {h: [h, *(m for m in ms[1:] if m != h)] for h, ms in out.items()}


def side_casting(items: list[dict]) -> dict:
    """The casting of one side in one document from the entity-frame items of its head and members (in the
    order given). Per field (portrayal, main role): a marked value (not neutral / not none) outranks the
    unmarked one; one marked value is the side's, carried by the entities listed in `<field>_by`; two or
    more different marked values give `mixed` and a line in `conflicts` (never a silent pick); no marked
    value gives the unmarked one, carried by all. Fine roles: the union over the main role's carriers
    (carriers of one main role with different fine roles are listed in `conflicts` too). A field no item
    gives is None (no answer).

    >>> c = side_casting([{"entity_id": "russia", "main_role": "none", "fine_roles": [], "portrayal": "neutral"},
    ...                   {"entity_id": "kremlin", "main_role": "antagonist", "fine_roles": ["Saboteur"],
    ...                    "portrayal": "negative"}])
    >>> c["portrayal"], c["portrayal_by"], c["main_role"], c["fine_roles"], c["conflicts"]
    ('negative', ['kremlin'], 'antagonist', ['Saboteur'], [])
    """
    from samestory.schema import ALL_FINE_ROLES, MAIN_ROLES, PORTRAYALS

    order = {"portrayal": PORTRAYALS, "main_role": MAIN_ROLES}
    out: dict = {"entities": [it["entity_id"] for it in items], "conflicts": []}
    for fld, unmarked in UNMARKED.items():
        given = [it for it in items if it.get(fld) is not None]
        marked: dict[str, list[str]] = {}
        for it in given:
            if it[fld] != unmarked:
                marked.setdefault(it[fld], []).append(it["entity_id"])
        if not given:
            value, by = None, []
        elif not marked:
            value, by = unmarked, [it["entity_id"] for it in given]
        elif len(marked) == 1:
            (value, by), = marked.items()
        else:
            value, by = MIXED, [it["entity_id"] for it in given if it[fld] != unmarked]
            vals = sorted(marked, key=order[fld].index)
            out["conflicts"].append(f"{fld}: " + " vs ".join(f"{v} ({', '.join(marked[v])})" for v in vals))
        out[fld], out[f"{fld}_by"] = value, by
    carriers = [it for it in items if it["entity_id"] in out["main_role_by"]
                and out["main_role"] not in (None, UNMARKED["main_role"])]
    sets = {it["entity_id"]: tuple(r for r in ALL_FINE_ROLES if r in (it.get("fine_roles") or ())) for it in carriers}
    out["fine_roles"] = [r for r in ALL_FINE_ROLES if any(r in s for s in sets.values())]
    if out["main_role"] != MIXED and len(set(sets.values())) > 1:  # a mixed main role already lists them
        out["conflicts"].append("fine_roles: " + "; ".join(f"{e} {', '.join(s) or '(none)'}" for e, s in sets.items()))
    return out


def side_castings(items: list[dict], entities: dict[str, dict],
                  heads: dict[str, list[str]] | None = None) -> dict[str, dict]:
    """Head → side_casting for every actor group (`groups(entities)`, or `heads`) that has items among the
    entity-frame `items` of one document; each side's items in group order (head first)."""
    heads = groups(entities) if heads is None else heads
    if not heads:
        return {}
    by_head: dict[str, dict[str, dict]] = {}
    for it in items:
        head = actor_of(it["entity_id"], entities)
        if head in heads:
            by_head.setdefault(head, {})[it["entity_id"]] = it
    return {h: side_casting([by_head[h][e] for e in heads[h] if e in by_head[h]]) for h in heads if h in by_head}
