"""Actor groups: `speaks_for` chains resolve to the actor an entity stands for; cycles are reported."""
import doctest

from samestory.annotate import actors

TABLE = {"kremlin": {"speaks_for": "russia"}, "moscow": {"speaks_for": "russia"},
         "press-office": {"speaks_for": "kremlin"}, "russia": {"speaks_for": None},
         "nato": {"speaks_for": None}}


def test_actors_chain_resolves_to_the_last_entity():
    assert actors.actor_of("press-office", TABLE) == "russia"
    assert actors.actor_of("moscow", TABLE) == "russia"
    assert actors.actor_of("nato", TABLE) == "nato"
    assert actors.speaks_for_problems(TABLE) == []


def test_actors_cycle_is_reported_and_resolution_terminates():
    table = {"a": {"speaks_for": "b"}, "b": {"speaks_for": "a"}, "c": {"speaks_for": "c"}}
    found = {eid for eid, _, _ in actors.speaks_for_problems(table)}
    assert found == {"a", "b", "c"}
    assert actors.actor_of("a", table) in {"a", "b"}


def test_actors_docstring_examples_run():
    assert doctest.testmod(actors).failed == 0
