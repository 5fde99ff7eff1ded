"""Property: whatever lines a page has, cleaning only deletes and every clean offset maps back."""

from hypothesis import given, settings
from hypothesis import strategies as st

from samestory.corpus.cleaning import PROFILES, clean, clean_to_raw
from tests.helpers import FIXTURES

FIX = FIXTURES / "ingest"
LINES = sorted({line for f in FIX.glob("*.txt") for line in f.read_text(encoding="utf-8").splitlines()})

line = st.one_of(st.sampled_from(LINES), st.text(st.characters(blacklist_categories=("Cs",)), max_size=40))
page = st.tuples(st.booleans(), st.lists(line, max_size=30), st.sampled_from(["\n", "\r\n"]),
                 st.sampled_from(sorted(PROFILES)))


@settings(max_examples=300, deadline=None)
@given(page)
def test_cleaning_rules_property_deletion_only(args):
    bom, lines, newline, profile = args
    raw = ("\ufeff" if bom else "") + newline.join(lines)
    result = clean(raw, PROFILES[profile])
    pos, rebuilt = 0, []
    for r in result.removals:
        assert pos <= r.raw_start < r.raw_end <= len(raw)
        assert raw[r.raw_start:r.raw_end] == r.text
        rebuilt.append(raw[pos:r.raw_start])
        pos = r.raw_end
    assert "".join(rebuilt) + raw[pos:] == result.text
    assert all(raw[clean_to_raw(i, result.removals)] == ch for i, ch in enumerate(result.text))
    assert not result.text.startswith("\ufeff")
