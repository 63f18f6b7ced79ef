"""The LLM safety classifier with a tiny random-weight Llama the test builds offline (no hub)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from moderation.classifiers import Scores, llm
from moderation.classifiers.llm import (
    LLAMA_GUARD,
    SHIELDGEMMA,
    LLMSafetyClassifier,
    llama_guard_prompt,
    llama_guard_scores,
    parse_llama_guard,
    shieldgemma_prompt,
)

pytestmark = pytest.mark.ml

VOCAB_TEXT = [
    "safe unsafe Yes No S1 S2 S3 S4 S5 S10 S11 S12 S13 , user assistant",
    "a cat playing piano in the rain",
    "a knight fights a dragon at night",
    "task check if there is content in messages",
]


def _tiny_checkpoint(directory: Path, model_type: str = "llama") -> Path:
    """A 1-layer Llama with a word-level tokenizer trained on a few strings, saved as a local checkpoint."""
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    words = Tokenizer(models.WordLevel(unk_token="[UNK]"))
    words.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    words.train_from_iterator(
        VOCAB_TEXT, trainers.WordLevelTrainer(special_tokens=["[UNK]", "[PAD]", "[EOS]"])
    )
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=words, unk_token="[UNK]", pad_token="[PAD]", eos_token="[EOS]"
    )
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=1,
        num_attention_heads=2,
        num_key_value_heads=2,
        max_position_embeddings=1024,
        pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id,
        bos_token_id=tokenizer.eos_token_id,
    )
    model = LlamaForCausalLM(config)
    directory.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    if model_type != "llama":
        # The family is read from the config: a Gemma-typed config is scored as ShieldGemma.
        config_file = directory / "config.json"
        config_file.write_text(config_file.read_text().replace('"llama"', f'"{model_type}"', 1))
    return directory


@pytest.fixture(scope="module")
def guard_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _tiny_checkpoint(tmp_path_factory.mktemp("llm") / "tiny-llama-guard")


def test_parser_reads_safe_unsafe_and_codes() -> None:
    """The answer's first line decides; the codes come from the second line, known codes only, once each."""
    assert parse_llama_guard("safe") == (False, [])
    assert parse_llama_guard("\n unsafe\nS1,S4") == (True, ["S1", "S4"])
    assert parse_llama_guard("unsafe\nS10, S10, S99") == (True, ["S10"])
    assert parse_llama_guard("unsafe") == (True, [])
    assert parse_llama_guard("") == (False, [])


def test_codes_map_to_our_categories() -> None:
    """S1 → violence, S4 → sexual_minors and minors_endangered; unmapped hazards stay reasons only."""
    scores = llama_guard_scores("unsafe\nS1,S4,S2", 0.9, "m")
    assert scores.scores == {"violence": 0.9, "sexual_minors": 0.9, "minors_endangered": 0.9}
    assert scores.reasons == ["llm:S1", "llm:S4", "llm:S2"]
    assert scores.model_ids == {"llm": "m"}
    assert llama_guard_scores("unsafe\nS13, S8", 0.7, "m").scores == {
        "public_figure": 0.7,
        "rights_holder": 0.7,
    }
    assert llama_guard_scores("safe", 0.1, "m").scores == {}


def test_prompts_carry_the_user_prompt_and_the_policy() -> None:
    """The guard prompt lists the hazards and ends at the assistant turn; ShieldGemma's names the policy."""
    guard = llama_guard_prompt("  a cat  ")
    assert "User: a cat\n" in guard
    assert "S14: Code Interpreter Abuse." in guard
    assert guard.endswith("<|start_header_id|>assistant<|end_header_id|>\n\n")
    assert "No Hate Speech" in shieldgemma_prompt("a cat", "hate")


def test_loads_from_a_local_path_and_scores_a_batch(guard_dir: Path) -> None:
    """Loaded by path with local files only; a batch larger than the batch size gives one Scores per prompt."""
    classifier = LLMSafetyClassifier(str(guard_dir), device="cpu", batch_size=2)
    assert classifier.family == LLAMA_GUARD
    assert classifier.model_id.startswith("llama_guard:tiny-llama-guard:")
    texts = ["a cat playing piano", "a knight fights a dragon", "in the rain", "a cat"]
    results = classifier.score_texts(texts)
    assert len(results) == 4
    for result in results:
        assert isinstance(result, Scores)
        assert result.model_ids == {"llm": classifier.model_id}
        assert all(0.0 <= v <= 1.0 for v in result.scores.values())


def test_generation_output_is_parsed_into_categories(
    guard_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the generated answer forced, each prompt's Scores carry its mapped categories in order."""
    classifier = LLMSafetyClassifier(str(guard_dir), device="cpu", batch_size=8)
    seen: list[list[str]] = []

    def forced(prompts: list[str]) -> list[tuple[str, float]]:
        seen.append(prompts)
        return [("unsafe\nS1,S4", 0.95), ("safe", 0.02), ("unsafe\nS11", 0.8)][: len(prompts)]

    monkeypatch.setattr(classifier, "generate", forced)
    first, second, third = classifier.score_texts(["x", "y", "z"])
    assert len(seen) == 1
    assert "User: y" in seen[0][1]
    assert first.scores == {"violence": 0.95, "sexual_minors": 0.95, "minors_endangered": 0.95}
    assert second.scores == {}
    assert third.scores == {"self_harm": 0.8}


def test_real_generation_probability_agrees_with_the_answer(guard_dir: Path) -> None:
    """P(unsafe) is taken at the first generated token: above 0.5 exactly when greedy chose "unsafe"
    over "safe" (the random model may answer anything; the parser ignores non-answers)."""
    classifier = LLMSafetyClassifier(str(guard_dir), device="cpu")
    for text, p_unsafe in classifier.generate([llama_guard_prompt("a cat"), llama_guard_prompt("a knight")]):
        first = text.split()[0] if text.split() else ""
        if first in {"safe", "unsafe"}:
            assert (p_unsafe > 0.5) == (first == "unsafe")


def test_shieldgemma_family_scores_every_policy(tmp_path: Path) -> None:
    """A Gemma-typed checkpoint is scored as ShieldGemma: P(Yes) per policy, every category present."""
    directory = _tiny_checkpoint(tmp_path / "tiny-shieldgemma", model_type="llama")
    classifier = LLMSafetyClassifier(str(directory), device="cpu", batch_size=3)
    classifier.family = SHIELDGEMMA
    results = classifier.score_texts(["a cat", "a knight"])
    assert [set(r.scores) for r in results] == [set(llm.SHIELDGEMMA_POLICIES)] * 2
    assert llm.family_of(str(directory)) == SHIELDGEMMA  # the directory name says so


def test_off_by_default_and_on_by_setting(guard_dir: Path, settings: Any) -> None:
    """Unset → None (off); set → loaded once and cached; a missing path reports why and loads nothing."""
    settings.SAFETY_LLM_PATH = None
    assert llm.configured() is None
    assert llm.llm_classifier() is None
    settings.SAFETY_LLM_PATH = str(guard_dir / "nope")
    assert llm.present() == f"not found: {guard_dir / 'nope'}/config.json"
    assert llm.llm_classifier() is None
    settings.SAFETY_LLM_PATH = str(guard_dir)
    assert llm.present() is None
    loaded = llm.llm_classifier()
    assert loaded is not None
    assert llm.llm_classifier() is loaded
    assert loaded.score_texts(["a cat"])[0].model_ids == {"llm": loaded.model_id}


def test_a_padded_row_scores_as_it_does_alone(guard_dir: Path) -> None:
    """Left padding does not change a prompt's next-token score: batched equals one at a time."""
    classifier = LLMSafetyClassifier(str(guard_dir), device="cpu")
    prompts = [
        shieldgemma_prompt("a cat", "hate"),
        shieldgemma_prompt("a knight fights a dragon at night", "hate"),
    ]
    together = classifier.next_token_yes(prompts)
    alone = [classifier.next_token_yes([p])[0] for p in prompts]
    assert together == pytest.approx(alone, abs=1e-4)
