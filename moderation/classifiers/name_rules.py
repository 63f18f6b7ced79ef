"""Word lists and patterns behind the registry-name context rules (`names.py`).

Common words that are also names (need context), the cue words that give a
one-word name its context, and what reads as depicting a public figure versus
only being about them, in English and the lexicon languages.
"""

from __future__ import annotations

import re

COMMON_WORDS = frozenset(
    [
        "link",
        "storm",
        "joy",
        "power",
        "red",
        "ken",
        "donkey",
        "sadness",
        "anger",
        "fear",
        "disgust",
        "bolt",
        "cars",
        "up",
        "brave",
        "belle",
        "beast",
        "dash",
        "flash",
        "shadow",
        "sonic",
        "rose",
        "jack",
        "king",
        "queen",
        "prince",
        "princess",
        "tiger",
        "bear",
        "rocket",
        "vision",
        "blade",
        "venom",
        "carnage",
        "goofy",
        "pluto",
        "stitch",
        "scar",
        "buzz",
        "rex",
        "slinky",
        "sally",
        "mike",
        "boo",
        "remy",
        "wall",
        "eve",
        "coco",
        "luna",
        "sun",
        "moon",
        "star",
        "sky",
        "river",
        "rain",
        "snow",
        "ice",
        "fire",
        "water",
        "earth",
        "wind",
        "frost",
        "spike",
        "tom",
        "jerry",
        "felix",
        "charlie",
        "lucy",
        "peach",
        "daisy",
        "toad",
        "fox",
        "pit",
        "apple",
        "amazon",
        "meta",
        "target",
        "shell",
        "dove",
        "gap",
        "harris",
        "warren",
        "johnson",
        "bush",
        "brown",
        "jordan",
        "james",
        "taylor",
        "swift",
        "drake",
        "future",
        "cher",
        "robin",
        "raven",
        "thor",
        "hulk",
        "joker",
        "bane",
        "rogue",
        "beast",
        "misty",
        "marshall",
        "halloween",
        "alien",
        "hercules",
        "alice",
        "tarzan",
        "aladdin",
        "pinocchio",
        "cinderella",
        "dracula",
        "sherlock",
        "phoenix",
        "grey",
        "jean",
        "chase",
        "rubble",
        "sky",
        "everest",
        "bolt",
        "dolly",
        "mandela",
    ]
)
GENERIC = frozenset(
    [
        "the",
        "company",
        "entertainment",
        "studios",
        "studio",
        "pictures",
        "games",
        "group",
        "media",
        "inc",
        "legend",
    ]
)
RIGHTS_CUES = frozenset(
    [
        "cartoon",
        "anime",
        "manga",
        "superhero",
        "disney",
        "pixar",
        "marvel",
        "dc",
        "nintendo",
        "pokemon",
        "sega",
        "sanrio",
        "dreamworks",
        "ghibli",
        "nickelodeon",
        "warner",
        "lucasfilm",
        "hasbro",
        "mattel",
        "capcom",
    ]
)
FIGURE_CUES = frozenset(
    [
        "president",
        "senator",
        "minister",
        "chancellor",
        "politician",
        "congressman",
        "congresswoman",
        "governor",
        "mayor",
        "singer",
        "rapper",
        "actor",
        "actress",
        "star",
        "celebrity",
        "footballer",
        "player",
        "ceo",
        "billionaire",
        "king",
        "queen",
        "prince",
        "princess",
        "pope",
        "leader",
    ]
)
DEPICT = re.compile(
    r"\b(deep ?fake|fake|faked|realistic|photorealistic|real footage|look(s)? real|convinc|"
    r"livestream|leaked|voice|sounding like|sings?|singing|impersonat|"
    r"saying|says|tell(s|ing)?|announc|admit|confess|endors|arrest|caught|drunk|naked|nude|"
    r"kiss|press conference|speech|interview|news (report|footage|style|look)|exact likeness|"
    r"as if|pretend|doing an ad|ad for|falso|falsa|faux|fausse|gefalscht|realista|realiste|realistisch|"
    r"realistico|voz|voix|stimme|voce|koe|nise|riaru|dice|dit|sagt|diz|diciendo|disant)",
)
NON_DEPICT = re.compile(
    r"\b(documentary|biography|biopic book|explainer|history of|timeline|lesson|lecture|podcast|"
    r"memoir|book cover|legacy|no faces?|not shown|no (leaders?|people|person) shown|text cards?|"
    r"illustration|clearly labell?ed|archival|about how|discussing|quote|infographic|museum|statue|"
    r"narrat|essay|obituary|tribute|analy[sz]|analis|legado|legacy|biografia|biographie|documental|documentaire|"
    r"whiteboard|chalkboard|blackboard|pizarra|tableau|lousa|lavagna|tafel|stats|statistics|estadisticas|"
    r"bar chart|chart|graph|quiz|trivia|"
    r"dokumentation|dokumentarfilm|documentario|lezione|aula|lecon|setsumei|kaisetsu|denki)",
)

PUBLIC_DOMAIN = re.compile(r"\bpublic[- ]domain\b")
NOT_DEPICTED = re.compile(
    r"\b(own voices?|no faces?|not shown|no (leaders?|people|person|one) shown|public domain|"
    r"(just|only) (the|a|an|our) \w+( \w+)? (is )?on (screen|camera)|(never|not) (on screen|on camera|seen))\b"
)
# Words that show something on screen. They make a prompt a depiction only when what they
# show is the named person ("footage of Obama", "a video of Taylor Swift"), not a place or
# a thing that prompt is about ("a lesson on Mandela's legacy over footage of Robben Island").
SHOWING = re.compile(
    r"\b(?:footage|videos?|clips?|images?|photos?|pictures?|shots?|scenes?) of ((?:\w+ ){0,5})"
)
