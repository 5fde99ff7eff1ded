"""The side rule (`actors.side_casting`): a marked casting outranks the unmarked one, different marked values
give `mixed` with the conflict listed, carriers are named, and input order never changes the label."""
import random

from samestory.annotate import actors

TABLE = {"atlantis": {"speaks_for": None}, "atlantis-palace": {"speaks_for": "atlantis"},
         "atlantis-capital": {"speaks_for": "atlantis"}, "envoy": {"speaks_for": None}}


def item(eid, portrayal, main="none", fine=()):
    return {"entity_id": eid, "main_role": main, "fine_roles": list(fine), "portrayal": portrayal}


def test_actors_side_marked_casting_outranks_neutral_and_names_its_carriers():
    c = actors.side_casting([item("atlantis", "neutral"), item("atlantis-palace", "negative", "antagonist", ["Saboteur"]),
                             item("atlantis-capital", "negative", "antagonist", ["Deceiver", "Saboteur"])])
    assert (c["portrayal"], c["portrayal_by"]) == ("negative", ["atlantis-palace", "atlantis-capital"])
    assert (c["main_role"], c["fine_roles"]) == ("antagonist", ["Saboteur", "Deceiver"])
    assert c["conflicts"] == ["fine_roles: atlantis-palace Saboteur; atlantis-capital Saboteur, Deceiver"]


def test_actors_side_conflict_is_mixed_and_listed():
    c = actors.side_casting([item("atlantis", "positive", "protagonist", ["Peacemaker"]),
                             item("atlantis-palace", "negative", "antagonist", ["Saboteur"])])
    assert c["portrayal"] == c["main_role"] == actors.MIXED
    assert c["conflicts"] == ["portrayal: positive (atlantis) vs negative (atlantis-palace)",
                              "main_role: protagonist (atlantis) vs antagonist (atlantis-palace)"]
    assert c["fine_roles"] == ["Peacemaker", "Saboteur"]


def test_actors_side_all_unmarked_and_missing_fields():
    c = actors.side_casting([item("atlantis", "neutral"), item("atlantis-capital", "neutral")])
    assert (c["portrayal"], c["portrayal_by"], c["main_role"], c["fine_roles"], c["conflicts"]) == (
        "neutral", ["atlantis", "atlantis-capital"], "none", [], [])
    c = actors.side_casting([{"entity_id": "atlantis", "portrayal": "negative"}])
    assert (c["portrayal"], c["main_role"], c["main_role_by"]) == ("negative", None, [])


def test_actors_side_castings_group_only_heads_with_members_and_ignore_order():
    items = [item("envoy", "negative"), item("atlantis-capital", "positive"), item("atlantis", "neutral")]
    assert actors.groups(TABLE) == {"atlantis": ["atlantis", "atlantis-palace", "atlantis-capital"]}
    sides = actors.side_castings(items, TABLE)
    assert list(sides) == ["atlantis"] and sides["atlantis"]["entities"] == ["atlantis", "atlantis-capital"]
    assert sides["atlantis"]["portrayal"] == "positive"
    rng = random.Random(3)
    for _ in range(20):
        rng.shuffle(items)
        assert actors.side_castings(items, TABLE) == sides
    assert actors.side_castings(items, {}) == {}
