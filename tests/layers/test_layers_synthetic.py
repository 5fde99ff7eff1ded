"""Every built-in layer declares its synthetic generator (`Layer.synthetic`), and what it generates passes the
one record checker with the layer's rules, against the ids `samestory.layers.synthetic` declares."""
import random

import pytest

from samestory import layers
from samestory.annotate import validate
from samestory.eval import synthetic as eval_synthetic
from samestory.layers import synthetic


@pytest.mark.parametrize("name", [layer.name for layer in layers.layers()])
def test_layer_synthetic_records_pass_the_checker(name):
    generate = layers.get(name).synthetic
    assert generate is not None, f"layer {name} declares no synthetic generator"
    rng = random.Random(11)
    for i in range(25):
        doc = eval_synthetic.document(rng, f"d{i}", n_par=2 + i % 3, sent_per_par=1 + i % 4)
        entities = {e: {"entity_id": e, "type": "PER"} for e in synthetic.entity_ids(doc)}
        ctx = validate.Context(entities=entities, facts=set(synthetic.fact_ids(doc)), targets=set(synthetic.TARGETS),
                               doc_ids={doc["doc_id"]}, doc=doc)
        rec = generate(rng, doc)
        assert validate.check_record(name, rec, ctx) == [], (name, i)


def test_layer_synthetic_records_of_a_document_agree():
    """The mentions' entities are the ones entity_frames frames: generated apart, they share the document's cast."""
    rng = random.Random(3)
    doc = eval_synthetic.document(rng, "d1")
    mentioned = {m["entity_id"] for m in layers.get("mentions").synthetic(rng, doc)["mentions"]} - {None}
    framed = {e["entity_id"] for e in layers.get("entity_frames").synthetic(rng, doc)["entities"]}
    assert mentioned <= framed
