"""Run a system over the corpus and write its predictions directory (all files or none)."""
from __future__ import annotations

from pathlib import Path

from samestory.corpus import store as corpus

from samestory.core import paths

from samestory import schema
from samestory.systems import ERRORS_KEY, PARAMS_KEY, System, parse_params, write_predictions
from samestory.systems.resources import load_resources, release_resources
from samestory.core.errors import Problem, SameStoryError


def predict_to_dir(system: System, out: Path, tasks: tuple[str, ...] = (), params: list[str] = (),
                   corpus_dir: Path = paths.CORPUS, annotations_dir: Path = paths.ANNOTATIONS,
                   doc_ids: tuple[str, ...] = (), story: str | None = None, release=None
                   ) -> tuple[list[Path], tuple[str, ...], list[dict]]:
    """Predict every requested task of `system` and write `<config>.jsonl` + `system.json` into `out`
    (plus `errors.jsonl` listing documents the system could not predict or skipped); returns files, tasks,
    errors. `story` limits the run to one story's documents; a document in a language the system does not
    declare is skipped (scored as empty) and listed in errors.jsonl with kind `unsupported_language`.
    With `release` (a `samestory.release.dataset.Release`), documents and inventories come from it, not a checkout."""
    from samestory.systems import task_config

    unknown = [t for t in tasks if t not in system.tasks]
    if unknown:
        raise SameStoryError(f"system {system.name} does not support task(s) {', '.join(unknown)}",
                             [Problem("--task", "unsupported task", field="task",
                                      expected=", ".join(system.tasks), found=t) for t in unknown])
    tasks = tuple(tasks) or system.tasks
    values = parse_params(system, list(params))
    if release is not None:
        documents = [d for d in release.documents()]
        corpus_dir = release.source
    else:
        documents = corpus.load_documents(Path(corpus_dir))
    if doc_ids:
        known = {d["doc_id"] for d in documents}
        missing = [d for d in doc_ids if d not in known]
        if missing:
            raise SameStoryError("unknown document id(s)", [Problem("--doc", "not in the corpus", field="doc",
                                                                    found=d) for d in missing])
        documents = [d for d in documents if d["doc_id"] in set(doc_ids)]
    if story is not None:
        stories = sorted({d["story_id"] for d in documents})
        if story not in stories:
            raise SameStoryError(f"unknown story {story!r}", [Problem("--story", "no documents of this story in "
                                                                      f"{corpus_dir}", field="story",
                                                                      expected=", ".join(stories), found=story)])
        documents = [d for d in documents if d["story_id"] == story]
    skipped = []
    if system.languages is not None:
        skipped = [d for d in documents if d.get("language") not in system.languages]
        documents = [d for d in documents if d.get("language") in system.languages]
    if not documents and skipped:
        raise SameStoryError(f"system {system.name} supports {', '.join(system.languages)} only; every document "
                             "is in another language", [Problem(d["doc_id"], "unsupported language", field="language",
                                                                expected=", ".join(system.languages),
                                                                found=str(d.get("language"))) for d in skipped])
    if not documents:
        raise SameStoryError(f"{corpus_dir}: no documents", [Problem(str(corpus_dir), "no documents found")])
    story_ids = {d["story_id"] for d in documents}
    resources = (release_resources(release, story_ids) if release is not None
                 else load_resources(story_ids, Path(annotations_dir)))
    wanted = tuple(dict.fromkeys(task_config(t) for t in tasks))
    predictions = system.predict(documents, resources, values, wanted)
    errors = [{"doc_id": d["doc_id"], "config": c, "kind": "unsupported_language",
               "error": f"language {d.get('language')!r} is not supported by {system.name} "
                        f"({', '.join(system.languages or ())}); document skipped, scored as empty"}
              for c in wanted for d in skipped] + predictions.pop(ERRORS_KEY, [])
    values.update(predictions.pop(PARAMS_KEY, {}))
    result = {}
    for config in wanted:
        if config not in predictions:
            raise RuntimeError(f"system {system.name} produced no {config} records")
        records = {r["doc_id"]: r for r in predictions[config]}
        fields = [f.name for f in schema.CONFIGS[config].fields]
        for r in records.values():
            if list(r) != fields:
                raise RuntimeError(f"system {system.name}: {config} record for {r['doc_id']} has fields "
                                   f"{list(r)}, the schema declares {fields}")
        result[config] = list(records.values())
    written = write_predictions(Path(out), system, values, result, tasks, errors)
    return written, tasks, errors
