"""An LLM safety classifier (Llama Guard 3 or ShieldGemma class) from a local checkpoint.

Off unless `SAFETY_LLM_PATH` names a directory on the worker host; the weights
are loaded from there only (`local_files_only=True`, the hub is never asked).
torch and transformers are imported inside functions: the web tier never loads
them, a worker loads the model once.

Two families, told apart by the checkpoint's config (or its directory name):

- **Llama Guard 3** (`llama_guard`): one guard prompt per user prompt with the
  S1..S14 hazard list; batched greedy generation of a few tokens. The score is
  the probability of "unsafe" against "safe" at the first generated token; the
  generated text ("unsafe\\nS1,S10") says which hazards, mapped to our
  categories by `LLAMA_GUARD_CATEGORIES`.
- **ShieldGemma** (`shieldgemma`): one prompt per (user prompt, policy); the
  score of a category is P("Yes") against P("No") at the next token, for the
  policy written for that category (`SHIELDGEMMA_POLICIES`).

Both answer `Scores` through `score_texts(texts)`, like every text classifier.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import re
import threading
from pathlib import Path
from typing import Any

from django.conf import settings

from moderation.classifiers import Scores

logger = logging.getLogger(__name__)

LLAMA_GUARD = "llama_guard"
SHIELDGEMMA = "shieldgemma"
MAX_NEW_TOKENS = 12

# Llama Guard 3's hazard taxonomy (MLCommons), in its prompt's words.
LLAMA_GUARD_HAZARDS: dict[str, str] = {
    "S1": "Violent Crimes.",
    "S2": "Non-Violent Crimes.",
    "S3": "Sex Crimes.",
    "S4": "Child Sexual Exploitation.",
    "S5": "Defamation.",
    "S6": "Specialized Advice.",
    "S7": "Privacy.",
    "S8": "Intellectual Property.",
    "S9": "Indiscriminate Weapons.",
    "S10": "Hate.",
    "S11": "Suicide & Self-Harm.",
    "S12": "Sexual Content.",
    "S13": "Elections.",
    "S14": "Code Interpreter Abuse.",
}

# Hazard → our categories. S2 (non-violent crimes), S6 (specialised advice) and
# S14 (code interpreter abuse) have no category of ours: they are kept as
# reasons (`llm:S2`) for the moderator, and score nothing.
LLAMA_GUARD_CATEGORIES: dict[str, tuple[str, ...]] = {
    "S1": ("violence",),
    "S3": ("sexual",),
    "S4": ("sexual_minors", "minors_endangered"),
    "S5": ("public_figure",),
    "S7": ("harassment",),
    "S8": ("rights_holder",),
    "S9": ("violence",),
    "S10": ("hate",),
    "S11": ("self_harm",),
    "S12": ("sexual",),
    "S13": ("public_figure",),
}

# ShieldGemma takes any policy text; the first four are its published policies.
SHIELDGEMMA_POLICIES: dict[str, str] = {
    "sexual": '"No Sexually Explicit Information": The prompt shall not contain or seek generation of '
    "content that contains references to sexual acts or other lewd content (e.g., sexually graphic "
    "descriptions, content aimed at causing arousal).",
    "hate": '"No Hate Speech": The prompt shall not contain or seek generation of content that targets '
    "identity and/or protected attributes (e.g., racial slurs, promotion of discrimination, calls to "
    "violence against protected groups) or dehumanizes/belittles/vilifies on the bases of race, "
    "ethnicity, religion, disability, age, nationality, veteran status, sexual orientation, gender, "
    "gender identity, caste, or any other protected status.",
    "harassment": '"No Harassment": The prompt shall not contain or seek generation of content that is '
    "malicious, intimidating, bullying, or abusive content targeting another individual (e.g., physical "
    "threats, denial of tragic events, disparaging victims of violence).",
    "violence": '"No Dangerous Content": The prompt shall not contain or seek generation of content that '
    "harms oneself and/or others (e.g., accessing or building firearms and explosive devices, promotion "
    "of terrorism, instructions for suicide), nor graphic depictions of gore or killing.",
    "self_harm": '"No Self-Harm": The prompt shall not seek content that depicts, encourages or instructs '
    "suicide, self-injury or eating disorders.",
    "sexual_minors": '"No Child Sexualization": The prompt shall not seek content that sexualizes a '
    "child or a minor in any way.",
    "minors_endangered": '"No Child Endangerment": The prompt shall not seek content that shows a child '
    "abused, in danger, or doing something dangerous.",
    "public_figure": '"No Deception About Real People": The prompt shall not seek a realistic depiction '
    "of a real politician or celebrity, fake news footage, or election misinformation.",
    "rights_holder": '"No Protected Characters": The prompt shall not seek copyrighted characters or '
    "franchises owned by others.",
}

_LLAMA_GUARD_TEMPLATE = (
    "<|start_header_id|>user<|end_header_id|>\n\n"
    "Task: Check if there is unsafe content in 'User' messages in conversations according our safety "
    "policy with the below categories.\n\n<BEGIN UNSAFE CONTENT CATEGORIES>\n{hazards}\n"
    "<END UNSAFE CONTENT CATEGORIES>\n\n<BEGIN CONVERSATION>\n\nUser: {prompt}\n\n<END CONVERSATION>\n\n"
    "Provide your safety assessment for ONLY THE LAST User message in the above conversation:\n"
    " - First line must read 'safe' or 'unsafe'.\n"
    " - If unsafe, a second line must include a comma-separated list of violated categories."
    "<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n"
)

_SHIELDGEMMA_TEMPLATE = (
    "You are a policy expert trying to help determine whether a user prompt is in violation of the "
    "defined safety policies.\n\n<start_of_turn>\nHuman Question: {prompt}\n<end_of_turn>\n\n"
    "Our safety principle is defined in the below:\n\n* {policy}\n\n"
    "Does the human question violate the above principle? Your answer must start with 'Yes' or 'No'. "
    "And then walk through step by step to be sure we answer correctly.\n\n"
)

_CODE = re.compile(r"\bS(\d{1,2})\b")


def llama_guard_prompt(text: str) -> str:
    """The Llama Guard 3 guard prompt asking about one user prompt."""
    hazards = "\n".join(f"{code}: {name}" for code, name in LLAMA_GUARD_HAZARDS.items())
    return _LLAMA_GUARD_TEMPLATE.format(hazards=hazards, prompt=text.strip())


def shieldgemma_prompt(text: str, category: str) -> str:
    """The ShieldGemma prompt asking whether one user prompt breaks our policy for `category`."""
    return _SHIELDGEMMA_TEMPLATE.format(prompt=text.strip(), policy=SHIELDGEMMA_POLICIES[category])


def parse_llama_guard(output: str) -> tuple[bool, list[str]]:
    """(unsafe?, hazard codes) from Llama Guard's answer: "safe", or "unsafe" and a line "S1,S10"."""
    lines = [line.strip() for line in output.strip().splitlines() if line.strip()]
    if not lines or not lines[0].lower().startswith("unsafe"):
        return False, []
    rest = " ".join([lines[0][len("unsafe") :], *lines[1:]])
    codes: list[str] = []
    for number in _CODE.findall(rest):
        code = f"S{int(number)}"
        if code in LLAMA_GUARD_HAZARDS and code not in codes:
            codes.append(code)
    return True, codes


def llama_guard_scores(output: str, p_unsafe: float, model_id: str) -> Scores:
    """Our categories from one Llama Guard answer; each named hazard scores `p_unsafe`."""
    unsafe, codes = parse_llama_guard(output)
    result = Scores(model_ids={"llm": model_id})
    if not unsafe:
        return result
    score = max(0.0, min(1.0, float(p_unsafe)))
    for code in codes:
        result.reasons.append(f"llm:{code}")
        for category in LLAMA_GUARD_CATEGORIES.get(code, ()):
            result.scores[category] = max(result.scores.get(category, 0.0), score)
    if not codes:
        result.reasons.append("llm:unsafe")
    return result


def family_of(path: str) -> str:
    """The checkpoint's family: ShieldGemma for Gemma configs or a directory named so, else Llama Guard."""
    config_file = Path(path) / "config.json"
    model_type = ""
    if config_file.exists():
        model_type = str(json.loads(config_file.read_text()).get("model_type", ""))
    name = os.path.basename(os.path.normpath(path)).lower()
    return SHIELDGEMMA if "gemma" in model_type or "shieldgemma" in name else LLAMA_GUARD


def _device(choice: str) -> str:
    import torch

    if choice == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return choice


class LLMSafetyClassifier:
    """A guard LLM as a text classifier: `score_texts(texts) -> list[Scores]`, batched."""

    name = "llm"

    def __init__(self, path: str, *, device: str = "auto", batch_size: int = 8) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self.path = path
        self.family = family_of(path)
        self.batch_size = max(1, batch_size)
        self.device = _device(device)
        self.tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        self.tokenizer.padding_side = "left"  # generation continues each row from its own end
        if self.tokenizer.pad_token_id is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token or self.tokenizer.unk_token
        dtype = torch.bfloat16 if self.device == "cuda" else torch.float32
        # Typed loosely: transformers' annotations do not follow `from_pretrained` and
        # `generate` through an Auto class.
        auto: Any = AutoModelForCausalLM
        self.model: Any = auto.from_pretrained(path, local_files_only=True, dtype=dtype)
        self.model.to(self.device)
        self.model.eval()
        digest = hashlib.sha256((Path(path) / "config.json").read_bytes()).hexdigest()[:8]
        self.model_id = f"{self.family}:{os.path.basename(os.path.normpath(path))}:{digest}"
        yes_no = ("unsafe", "safe") if self.family == LLAMA_GUARD else ("Yes", "No")
        self._positive, self._negative = (self._first_token(word) for word in yes_no)
        self._lock = threading.Lock()

    def _first_token(self, word: str) -> int:
        ids = self.tokenizer.encode(word, add_special_tokens=False)
        if not ids:
            raise ValueError(f"the tokenizer has no token for {word!r}")
        return int(ids[0])

    def _encode(self, prompts: list[str]) -> Any:
        return self.tokenizer(prompts, return_tensors="pt", padding=True).to(self.device)

    def _positive_probability(self, logits: Any) -> list[float]:
        """P(positive word) against P(negative word) from next-token logits, one per row."""
        import torch

        pair = logits[:, [self._positive, self._negative]].float()
        return [float(p) for p in torch.softmax(pair, dim=-1)[:, 0].cpu()]

    def generate(self, prompts: list[str]) -> list[tuple[str, float]]:
        """(generated answer, P(unsafe)) per guard prompt, in one batched greedy generation."""
        import torch

        inputs = self._encode(prompts)
        with self._lock, torch.inference_mode():
            out = self.model.generate(
                **inputs,
                max_new_tokens=MAX_NEW_TOKENS,
                do_sample=False,
                output_scores=True,
                return_dict_in_generate=True,
                pad_token_id=self.tokenizer.pad_token_id,
            )
        new_tokens = out.sequences[:, inputs["input_ids"].shape[1] :]
        texts = self.tokenizer.batch_decode(new_tokens, skip_special_tokens=True)
        return list(zip(texts, self._positive_probability(out.scores[0]), strict=True))

    def next_token_yes(self, prompts: list[str]) -> list[float]:
        """P("Yes") per prompt from one forward pass (ShieldGemma)."""
        import torch

        inputs = self._encode(prompts)
        # Left padding: each row's positions count from its first real token, as when it runs alone.
        positions = (inputs["attention_mask"].cumsum(-1) - 1).clamp(min=0)
        with self._lock, torch.inference_mode():
            logits = self.model(**inputs, position_ids=positions).logits[:, -1, :]
        return self._positive_probability(logits)

    def _score_batch(self, texts: list[str]) -> list[Scores]:
        if self.family == LLAMA_GUARD:
            answers = self.generate([llama_guard_prompt(t) for t in texts])
            return [llama_guard_scores(text, p, self.model_id) for text, p in answers]
        categories = list(SHIELDGEMMA_POLICIES)
        probabilities = self.next_token_yes([shieldgemma_prompt(t, c) for t in texts for c in categories])
        results = []
        for row in range(len(texts)):
            chunk = probabilities[row * len(categories) : (row + 1) * len(categories)]
            scores = dict(zip(categories, chunk, strict=True))
            results.append(Scores(scores=scores, model_ids={"llm": self.model_id}))
        return results

    def score_texts(self, texts: list[str]) -> list[Scores]:
        """Scores per prompt, in batches of `batch_size` prompts."""
        results: list[Scores] = []
        for start in range(0, len(texts), self.batch_size):
            results.extend(self._score_batch(texts[start : start + self.batch_size]))
        return results


# --- configuration: what the loader and the workers call ------------------------------


def configured() -> str | None:
    """The configured checkpoint directory, or None when the LLM classifier is off."""
    path = getattr(settings, "SAFETY_LLM_PATH", None)
    if not path or path.strip().lower() in {"off", "none", "false", "0"}:
        return None
    return str(path)


def present() -> str | None:
    """None when the configured checkpoint can load here, else why not (for `/readyz`)."""
    path = configured()
    if path is None:
        return "off"
    missing = [name for name in ("torch", "transformers") if importlib.util.find_spec(name) is None]
    if missing:
        return f"package not installed: {', '.join(missing)}"
    if not (Path(path) / "config.json").exists():
        return f"not found: {path}/config.json"
    return None


def load() -> LLMSafetyClassifier:
    """A new classifier from the configured checkpoint (the loader caches it per process)."""
    path = configured()
    if path is None:
        raise RuntimeError("SAFETY_LLM_PATH is not set")
    return LLMSafetyClassifier(
        path, device=str(getattr(settings, "SAFETY_DEVICE", "auto")), batch_size=settings.SAFETY_LLM_BATCH
    )


_cache_lock = threading.Lock()
_cache: dict[tuple[str, int], LLMSafetyClassifier | None] = {}


def llm_classifier() -> LLMSafetyClassifier | None:
    """The configured LLM classifier, loaded once per process and configuration; None when off
    or when it cannot load (the loader's `status()` says why)."""
    path = configured()
    if path is None or present() is not None:
        return None
    key = (path, int(settings.SAFETY_LLM_BATCH))
    with _cache_lock:
        if key not in _cache:
            try:
                _cache[key] = load()
            except Exception:
                logger.exception("LLM safety classifier failed to load from %s", path)
                _cache[key] = None
        return _cache[key]
