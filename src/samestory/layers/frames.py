"""The frames layer: document frames (multi-label), the primary frame and each paragraph's frame."""
from __future__ import annotations

from samestory import schema
from samestory.layers import Layer, Merge, synthetic
from samestory.schema.check import Context, found


def _rules(rec: dict, ctx: Context):
    """An annotation's primary frame is one of its document frames (predictions may score them apart)."""
    frames, primary = rec.get("frames"), rec.get("primary_frame")
    if ctx.annotation and isinstance(frames, list) and primary is not None and primary not in frames:
        yield ("primary_frame", "primary frame is not among the document's frames",
               "one of " + ", ".join(map(str, frames)), found(primary))


def _label_units(rec: dict):
    yield "frames.primary_frame", (), rec["primary_frame"]
    present = set(rec["frames"])
    for frame in schema.FRAMES:
        yield "frames.presence", (frame,), frame in present
        yield f"frames.presence[{frame}]", (), frame in present
    for p in rec["paragraphs"]:
        yield "frames.paragraph_frame", (p["paragraph_id"],), p["frame"]


def _synthetic(rng, doc: dict) -> dict:
    """One to four frames, the first primary; each paragraph one of them or null."""
    frames = rng.sample(schema.FRAMES, rng.randint(1, 4))
    return {"doc_id": doc["doc_id"], "frames": frames, "primary_frame": frames[0],
            "paragraphs": [{"paragraph_id": p["id"], "frame": rng.choice(frames + [None])} for p in doc["paragraphs"]]}


LAYER = Layer(schema.CONFIGS["frames"], rules=_rules, label_units=_label_units,
              label_measures={"frames.primary_frame": "document", "frames.paragraph_frame": "paragraph",
                              "frames.presence": "document × frame (present or not)",
                              **{f"frames.presence[{f}]": "document" for f in schema.FRAMES}},
              synthetic=_synthetic,
              merge=Merge(key=("paragraph_id",), voted=("frame",), record_sets=("frames",),
                          record_voted=("primary_frame",)))
