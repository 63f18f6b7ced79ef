"""The eight obfuscation methods of the evaluation set (used by build_prompts.py; stdlib only)."""

import re

BRACKET = re.compile(r"\[([^\[\]]+)\]")

LEET = str.maketrans(
    {
        "a": "4",
        "e": "3",
        "i": "1",
        "o": "0",
        "s": "5",
        "t": "7",
        "A": "4",
        "E": "3",
        "I": "1",
        "O": "0",
        "S": "5",
        "T": "7",
    }
)
HOMO = str.maketrans(
    {
        "a": "а",
        "e": "е",
        "o": "о",
        "p": "р",
        "c": "с",
        "x": "х",
        "y": "у",
        "i": "і",
        "A": "А",
        "E": "Е",
        "O": "О",
        "P": "Р",
        "C": "С",
        "H": "Н",
        "K": "К",
        "M": "М",
        "T": "Т",
        "B": "В",
        "X": "Х",
    }
)
ZW = ["\u200b", "\u200c", "\u200d", "\u2060"]
VOWELS = "aeiouAEIOU"


def per_word(span, fn):
    return " ".join(fn(w) for w in span.split(" "))


def ob_spaced(span, k):
    return "  ".join(" ".join(ch for ch in w) for w in span.split(" "))


def ob_leet(span, k):
    return span.translate(LEET)


def ob_dotted(span, k):
    sep = "." if k % 2 == 0 else "-"
    return per_word(span, lambda w: sep.join(w))


def ob_homoglyph(span, k):
    return span.translate(HOMO)


def ob_zero_width(span, k):
    z = ZW[k % len(ZW)]
    return per_word(span, lambda w: z.join(w))


def ob_stretched(span, k):
    def stretch(w):
        out, done = [], 0
        for ch in w:
            out.append(ch)
            if ch in VOWELS and done < 2:
                out.append(ch * (3 - done))
                done += 1
        return "".join(out)

    return per_word(span, stretch)


def ob_censored(span, k):
    def censor(w):
        idx = [i for i, ch in enumerate(w) if ch in VOWELS]
        if len(w) < 3 or not idx:
            return w
        i = idx[len(idx) // 2]
        return w[:i] + "*" + w[i + 1 :]

    return per_word(span, censor)


def ob_mixed(span, k):
    # mixed scripts + leet + separators within one span
    words = span.split(" ")
    out = []
    for j, w in enumerate(words):
        m = (j + k) % 3
        if m == 0:
            out.append(w.translate(HOMO))
        elif m == 1:
            out.append(w.translate(LEET))
        else:
            out.append("_".join(w))
    return " ".join(out)


OBFUSCATIONS = [
    ("spaced", ob_spaced),
    ("leetspeak", ob_leet),
    ("dotted", ob_dotted),
    ("homoglyph", ob_homoglyph),
    ("zero_width", ob_zero_width),
    ("stretched", ob_stretched),
    ("censored", ob_censored),
    ("mixed_script", ob_mixed),
]


def obfuscate(text, k):
    """Apply obfuscation method k (cycled) to every bracketed span."""
    name, fn = OBFUSCATIONS[k % len(OBFUSCATIONS)]
    if not BRACKET.search(text):
        raise ValueError(f"no [trigger] in seed: {text}")
    out = BRACKET.sub(lambda m: fn(m.group(1), k), text)
    if name == "mixed_script":
        # also swap a few look-alike letters outside the spans
        out = "".join(c.translate(HOMO) if c in "ao" and i % 7 == 0 else c for i, c in enumerate(out))
    return name, out
