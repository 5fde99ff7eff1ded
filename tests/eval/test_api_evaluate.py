"""`samestory.evaluate(predictions, dataset=..., tasks=...)`: in-memory records score exactly like the same
records in files (the CLI's results, as the one `Results` model), and the docstring examples run."""
from __future__ import annotations

import doctest
import json
import os

import pytest

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import samestory  # noqa: E402
import samestory.eval.api  # noqa: E402
from samestory import schema  # noqa: E402
from samestory.release.dataset import open_release  # noqa: E402
from samestory.core.errors import SameStoryError  # noqa: E402
from samestory.eval.results import Results  # noqa: E402
from tests.helpers.build_helpers import run  # noqa: E402
from tests.helpers.release_helpers import checkout_release  # noqa: E402


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    return open_release(checkout_release(tmp_path_factory.mktemp("api")))


def test_api_docstring_examples_run(release):
    for module in (samestory.eval.api, samestory.release.dataset):
        failed, attempted = doctest.testmod(module, extraglobs={"release": release, "samestory": samestory},
                                            optionflags=doctest.ELLIPSIS, report=True)
        assert attempted > 0 and failed == 0, module.__name__


def test_api_records_score_like_the_cli_on_the_same_files(release, tmp_path):
    records = {c: release.rows(c) for c in schema.LAYERS}
    for c, recs in records.items():  # a system's output: drop a third of each document's items
        for r in recs:
            for k, v in r.items():
                if isinstance(v, list) and v and isinstance(v[0], dict):
                    r[k] = v[: max(1, 2 * len(v) // 3)]
        (tmp_path / "preds").mkdir(exist_ok=True)
        (tmp_path / "preds" / f"{c}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    api = samestory.evaluate(records, dataset=release.folder, resamples=30, system="mine")
    code, out, err = run("evaluate", "--quiet", "--dataset", release.folder, "--predictions", tmp_path / "preds",
                         "--resamples", "30", "--system", "mine", "--out", tmp_path / "cli.json")
    assert code == 0, err
    cli = Results.from_disk(tmp_path / "cli.json")
    assert isinstance(api, Results)
    assert {t: b.model_dump(exclude={"predictions"}) for t, b in api.tasks.items()} == \
        {t: b.model_dump(exclude={"predictions"}) for t, b in cli.tasks.items()}
    assert api.tasks["stance"].predictions == "records:stance"
    mains = api.main_scores()
    assert set(mains) == {t for t in cli.tasks} and any(v < 1.0 for v in mains.values() if v is not None)
    from_folder = samestory.evaluate(tmp_path / "preds", dataset=release, tasks=["ner"], resamples=30)
    gold = samestory.evaluate({c: release.rows(c) for c in schema.LAYERS}, dataset=release, resamples=0)
    assert set(gold.main_scores().values()) == {1.0}  # editing the records above left the gold untouched
    assert list(from_folder.tasks) == ["ner"]  # (intervals differ: the bootstrap draws for the tasks scored)
    assert {m: v.value for m, v in from_folder.tasks["ner"].metrics.items()} == \
        {m: v.value for m, v in cli.tasks["ner"].metrics.items()}


def test_api_bad_records_name_the_record_and_field(release):
    rec = dict(release.rows("stance")[0])
    rec["stances"] = [dict(rec["stances"][0], label="sideways")]
    with pytest.raises(SameStoryError) as err:
        samestory.evaluate({"stance": [rec]}, dataset=release)
    text = str(err.value)
    assert "predictions['stance'] record 0" in text and "label" in text and "sideways" in text
    with pytest.raises(SameStoryError, match="not a task or layer config"):
        samestory.evaluate({"stances": []}, dataset=release)


def test_api_results_file_round_trips_byte_for_byte(tmp_path):
    from tests.helpers.release_helpers import REPO

    for f in sorted((REPO / "leaderboard" / "results").glob("*.json")):
        assert Results.from_disk(f).to_json() == f.read_text(encoding="utf-8"), f.name
    bad = tmp_path / "bad.json"
    data = json.loads(next((REPO / "leaderboard" / "results").glob("*.json")).read_text(encoding="utf-8"))
    del data["tasks"][next(iter(data["tasks"]))]["metrics"]
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SameStoryError, match="not a valid results file") as err:
        Results.from_disk(bad)
    assert "metrics" in str(err.value)
