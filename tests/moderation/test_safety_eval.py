"""`manage.py safety_eval` and `manage.py train_prompt_heads` on small fixed subsets."""

from __future__ import annotations

import json
from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command

from moderation.classifiers import loader, training
from moderation.classifiers.heads import PromptHeads
from moderation.eval import metrics

pytestmark = pytest.mark.django_db


def test_subset_is_fixed_and_stratified():
    """The subset takes the first rows of each (label, style) in file order: the same every time."""
    rows = metrics.load_rows(split="test")
    first, second = metrics.subset(rows, 1), metrics.subset(rows, 1)
    assert [r["id"] for r in first] == [r["id"] for r in second]
    assert len(first) == len({(r["label"], r["style"]) for r in rows})


def test_figures_count_review_and_block_as_caught():
    """Recall counts review or block on disallowed rows; false positives count them on benign rows."""
    rows = [
        {"label": "violence", "style": "plain", "lang": "en", "theme": ""},
        {"label": "violence", "style": "long", "lang": "es", "theme": ""},
        {"label": "benign", "style": "plain", "lang": "en", "theme": "war_film"},
    ]
    outcomes = [
        metrics.Outcome("review", ["violence"], {"violence": 0.6}),
        metrics.Outcome("allow", [], {}),
        metrics.Outcome("block", ["violence"], {"violence": 0.9}),
    ]
    fig = metrics.figures(rows, outcomes)
    assert fig["recall"] == {"rate": 0.5, "hits": 1, "n": 2}
    assert fig["fpr"]["rate"] == 1.0
    assert fig["theme"]["war_film"]["hits"] == 1
    assert fig["confusion"]["violence"] == {"allow": 1, "violence": 1}
    assert fig["lang"]["es"]["rate"] == 0.0


def test_safety_eval_command_on_a_small_subset(no_models, shipped_registries, tmp_path):
    """The command runs the prompt pipeline over a fixed subset, prints the tables and writes the report."""
    out, stdout = tmp_path / "SAFETY_EVAL.md", StringIO()
    json_path = tmp_path / "fig.json"
    call_command(
        "safety_eval",
        split="test",
        limit=1,
        write=True,
        out=str(out),
        json_path=str(json_path),
        stdout=stdout,
    )
    printed = stdout.getvalue()
    assert "recall per category:" in printed
    assert "false positives per theme:" in printed
    assert "confusion (label -> decided):" in printed
    report = out.read_text()
    assert "# Prompt safety evaluation" in report
    assert "| recall per style |" in report
    fig = json.loads(json_path.read_text())
    assert fig["subset"] == 1
    assert fig["rows"] == len(metrics.subset(metrics.load_rows(split="test"), 1))
    assert set(fig["category"]) >= {"sexual", "minors_endangered", "public_figure", "rights_holder"}


def _fake_embed(texts: list[str]) -> np.ndarray:
    """A deterministic stand-in for the sentence model: a seeded vector per text."""
    out = []
    for text in texts:
        rng = np.random.default_rng([ord(c) for c in text[:64]])
        vector = rng.normal(size=384).astype(np.float32)
        out.append(vector / np.linalg.norm(vector))
    return np.stack(out)


def test_head_training_is_deterministic_and_never_reads_test():
    """Training twice on the same tiny subset gives identical weights and thresholds; only train/dev rows go in."""
    rows = metrics.load_rows()
    train_rows = metrics.subset([r for r in rows if r["split"] == "train"], 1)
    dev_rows = metrics.subset([r for r in rows if r["split"] == "dev"], 1)
    categories = sorted({r["label"] for r in train_rows} - {"benign"})
    first = training.train(train_rows, dev_rows, _fake_embed, categories, seed=3)
    second = training.train(train_rows, dev_rows, _fake_embed, categories, seed=3)
    for key in ("w1", "b1", "w2", "b2"):
        assert np.array_equal(first.layers[key], second.layers[key]), key
    assert first.review_at == second.review_at
    assert first.meta["data_hash"] == metrics.data_hash(train_rows + dev_rows)
    assert first.meta["trained_on"] == "train"
    assert first.meta["thresholds_on"] == "dev"


@pytest.mark.ml
def test_train_prompt_heads_command_writes_loadable_identical_heads(tmp_path, settings):
    """The command on a tiny subset, run twice with the bundled model, writes the same weights; they load."""
    settings.SAFETY_PROMPT_MODEL = "bundled"
    settings.SAFETY_NSFW_MODEL = "off"
    settings.SAFETY_CLIP_MODEL = None
    loader.reset()
    paths = [tmp_path / "a.npz", tmp_path / "b.npz"]
    for path in paths:
        call_command("train_prompt_heads", limit=1, out=str(path), stdout=StringIO())
    a, b = PromptHeads.load(paths[0]), PromptHeads.load(paths[1])
    assert all(np.array_equal(a.layers[k], b.layers[k]) for k in a.layers)
    assert a.meta["seed"] == 14
    assert a.meta["train_rows"] < 60
    loader.reset()
