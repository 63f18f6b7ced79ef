"""The safety categories every classifier scores, with what each one means.

The keys are stable machine codes: they appear in stored verdicts, policies,
reports, moderator-group permissions and the API. The descriptions and example
prompts feed the embedding classifiers (sentence embeddings for prompts, CLIP
text prompts for frames); changing them changes scores, so the classifiers'
model ids include a hash of this module's texts.
"""

from __future__ import annotations

import hashlib
import json

SEXUAL = "sexual"
SEXUAL_MINORS = "sexual_minors"
VIOLENCE = "violence"
SELF_HARM = "self_harm"
HATE = "hate"
HARASSMENT = "harassment"
PUBLIC_FIGURE = "public_figure"
RIGHTS_HOLDER = "rights_holder"

CATEGORIES: tuple[str, ...] = (
    SEXUAL,
    SEXUAL_MINORS,
    VIOLENCE,
    SELF_HARM,
    HATE,
    HARASSMENT,
    PUBLIC_FIGURE,
    RIGHTS_HOLDER,
)

LABELS: dict[str, str] = {
    SEXUAL: "Sexual content",
    SEXUAL_MINORS: "Sexual content involving minors",
    VIOLENCE: "Graphic violence",
    SELF_HARM: "Self-harm",
    HATE: "Hate",
    HARASSMENT: "Harassment",
    PUBLIC_FIGURE: "Public figure",
    RIGHTS_HOLDER: "Rights-holder character or brand",
}

# Descriptions and example prompts per category. The prompt classifier scores a
# prompt by its best cosine similarity to any of these; the CLIP classifier uses
# the visual phrasings ("a photo of ...") as zero-shot concepts.
# Rights holders are matched against the registry instead (see rights.py).
DESCRIPTIONS: dict[str, list[str]] = {
    SEXUAL: [
        "sexually explicit content, nudity, pornography",
        "a naked woman posing nude",
        "two people having sex",
        "explicit porn video with genitals",
        "topless stripper dancing erotically",
    ],
    SEXUAL_MINORS: [
        "sexual content involving a child or a minor",
        "a naked child",
        "a teenage girl in a sexual pose",
        "underage kid undressing erotically",
    ],
    VIOLENCE: [
        "graphic violence, gore, blood and mutilation",
        "a man being stabbed with blood everywhere",
        "a decapitated body, gore",
        "shooting people dead in the street, bloody corpses",
        "torturing someone until they bleed",
    ],
    SELF_HARM: [
        "self-harm, suicide, cutting oneself",
        "a person cutting their wrists with a razor",
        "someone hanging themselves",
        "how to kill myself",
        "overdosing on pills to end my life",
    ],
    HATE: [
        "hateful content attacking people for their race, religion or ethnicity",
        "nazi propaganda rally with swastikas",
        "a racist caricature mocking black people",
        "kill all immigrants, they are vermin",
    ],
    HARASSMENT: [
        "harassment, bullying, humiliating a specific person",
        "mocking my classmate and calling her ugly and fat",
        "a video humiliating my ex-girlfriend",
        "threatening to hurt my neighbour",
    ],
    PUBLIC_FIGURE: [
        "a famous politician or celebrity, a real public figure",
        "the president of the united states giving a speech",
        "a famous pop star singing on stage",
        "a world leader saying something they never said",
    ],
}

# Phrasings for zero-shot CLIP on frames: one "safe" anchor per category keeps
# the softmax honest when nothing in the frame matches any concept.
SAFE_VISUAL: list[str] = [
    "a photo of a landscape",
    "a photo of people talking",
    "a photo of an animal",
    "a photo of food",
    "a photo of a city street",
]


def visual_prompts(category: str) -> list[str]:
    return [f"a photo of {text}" for text in DESCRIPTIONS.get(category, [])]


def concepts_hash() -> str:
    """A short hash of the texts above, part of the model ids of embedding classifiers."""
    blob = json.dumps([DESCRIPTIONS, SAFE_VISUAL], sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()[:8]
