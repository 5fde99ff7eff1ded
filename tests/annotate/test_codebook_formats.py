"""The codebook's file-formats appendix is generated from schema.py and current; its example lines are
valid records, with spans that match the invented example text."""
from samestory.annotate import codebook
from samestory import schema
from samestory.annotate.validate import check_layer_record


def test_codebook_formats_appendix_is_current():
    text = (codebook.paths.ANNOTATIONS / "guidelines.md").read_text(encoding="utf-8")
    m = codebook.MARKER.search(text)
    assert m, "guidelines.md lacks the generated formats markers"
    assert text[m.end(1):m.start(2)] == codebook.formats_markdown(), "run: python -m samestory.annotate.codebook"


def test_codebook_formats_examples_are_valid_records():
    ex = codebook.examples()
    assert set(ex) == set(schema.INVENTORIES) | set(schema.LAYERS)
    for layer in schema.LAYERS:
        assert check_layer_record(layer, ex[layer]) == [], layer
    for name in schema.INVENTORIES:
        assert set(ex[name]) == {f.name for f in schema.CONFIGS[name].fields}, name
    for layer in ("mentions", "bias_spans", "quotes"):
        for item in ex[layer][schema.CONFIGS[layer].items]:
            assert codebook.EXAMPLE_TEXT[item["start"]:item["end"]] == item["text"]


def test_codebook_formats_lists_every_field():
    md = codebook.formats_markdown()
    for name in (*schema.INVENTORIES, *schema.LAYERS):
        for path, _ in schema.walk(schema.CONFIGS[name].fields):
            assert f"- `{path}` (" in md, (name, path)
