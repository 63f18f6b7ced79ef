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
MINORS_ENDANGERED = "minors_endangered"
VIOLENCE = "violence"
SELF_HARM = "self_harm"
HATE = "hate"
HARASSMENT = "harassment"
PUBLIC_FIGURE = "public_figure"
RIGHTS_HOLDER = "rights_holder"

CATEGORIES: tuple[str, ...] = (
    SEXUAL,
    SEXUAL_MINORS,
    MINORS_ENDANGERED,
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
    MINORS_ENDANGERED: "Minors endangered or exploited",
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
    MINORS_ENDANGERED: [
        "a child in danger, abused, neglected, groomed or exploited",
        "kids doing a dangerous challenge that could kill them",
        "an adult luring a child to keep a secret and meet alone",
        "a child soldier holding a rifle",
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

# Categories no global policy acts on: they exist for cameo owners' rules
# ("never in political content"), which generation checks at a cameo's own,
# stricter thresholds (cameos/rules.py). The text classifiers score them with
# the others; `policies.decide` ignores them, so they refuse nothing by themselves.
POLITICAL = "political"
SUGGESTIVE = "suggestive"
APPEARANCE_CHANGE = "appearance_change"
DEMEANING = "demeaning"

RULE_CATEGORIES: tuple[str, ...] = (POLITICAL, SUGGESTIVE, APPEARANCE_CHANGE, DEMEANING)

LABELS.update(
    {
        POLITICAL: "Political content",
        SUGGESTIVE: "Suggestive content",
        APPEARANCE_CHANGE: "Changes to a person's appearance",
        DEMEANING: "Embarrassing or demeaning content",
    }
)

DESCRIPTIONS.update(
    {
        POLITICAL: [
            "political content: elections, campaigns, parties, politicians and protests",
            "giving a campaign speech at an election rally",
            "endorsing a candidate for president, vote for him",
            "holding a protest sign at a political demonstration",
            "debating immigration policy as a member of parliament",
            "a political party advertisement asking people to vote",
        ],
        SUGGESTIVE: [
            "suggestive, flirty or seductive content, sexy poses and revealing clothes",
            "posing seductively in lingerie on a bed",
            "a sexy dance in a tiny bikini",
            "kissing passionately and flirting",
            "a sultry striptease tease in a nightclub",
        ],
        APPEARANCE_CHANGE: [
            "changing a person's appearance: body, face, age, hair, weight or skin",
            "a person made to look fat and old",
            "a person given a shaved head and face tattoos",
            "aged into an old man with wrinkles and grey hair",
            "skin colour changed and a different face swapped in",
            "body reshaped, much thinner or much heavier",
        ],
        DEMEANING: [
            "embarrassing, humiliating or demeaning a person, making them look stupid",
            "falling face first into mud while a crowd laughs",
            "drunk and vomiting at a party",
            "crying and begging on their knees, pathetic",
            "wetting their pants in front of the whole class",
            "dressed as a clown being mocked and ridiculed",
        ],
    }
)

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
