"""Normalisation before every text check: one test per transformation, then the whole chain."""

from __future__ import annotations

import pytest

from moderation.classifiers.normalize import (
    NormalText,
    clean,
    fold_confusables,
    join_spaced,
    normalize,
    squeeze,
    strip_invisible,
    unleet,
)


def test_nfkc_folds_compatibility_forms():
    """Full-width letters and ligatures become plain letters (NFKC)."""
    assert clean("ｇｏｒｅ ﬁlm") == "gore film"


@pytest.mark.parametrize("mark", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u202e"])
def test_zero_width_and_invisible_characters_are_removed(mark):
    """Zero-width spaces/joiners, the word joiner, BOM, soft hyphen and bidi overrides vanish."""
    assert strip_invisible(f"su{mark}ici{mark}de") == "suicide"


def test_confusables_fold_to_latin_in_mixed_script_words():
    """Cyrillic look-alikes inside a Latin word fold to Latin (TR39 confusables)."""
    assert fold_confusables("sех scene") == "sex scene"  # Cyrillic е, х
    assert fold_confusables("ехрlісіt") == "explicit"


def test_mostly_latin_text_folds_lone_lookalike_words():
    """A Cyrillic "а" used as an English article folds when the text is mostly Latin."""
    assert fold_confusables("а blowjob scene") == "a blowjob scene"


def test_text_in_another_script_is_left_alone():
    """A Russian sentence is not a homoglyph attack: it keeps its letters."""
    assert fold_confusables("Путин на митинге") == "Путин на митинге"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("s u i c i d e", "suicide"), ("n.u.d.e", "nude"), ("b-o-m-b", "bomb"), ("k_i_l_l", "kill")],
)
def test_spaced_and_dotted_letters_are_joined(text, expected):
    """Letters spaced, dotted, dashed or underscored out one by one are joined."""
    assert join_spaced(text) == expected


def test_leetspeak_inside_words_is_undone_but_numbers_stay():
    """Digits and symbols mixed into a word read as letters; years and units do not."""
    assert unleet("g0r3 and n4k3d $uicide") == "gore and naked suicide"
    assert unleet("the 1990s in 4k at 35mm") == "the 1990s in 4k at 35mm"


def test_stretched_letters_are_squeezed():
    """Three or more of the same letter become one; real double letters stay."""
    assert squeeze("nuuuuude and good") == "nude and good"


def test_mixed_script_and_leet_together():
    """One span mixing Cyrillic, leet and underscores still reads as the word."""
    assert clean("n_u_d_3 phоto") == "nude photo"
    assert normalize("n4kеd") == " naked "


def test_normal_text_matches_terms_after_every_transformation():
    """The blocklist's matcher finds a term however it was obfuscated."""
    for text in ["su\u200bicide", "s u i c i d e", "ѕuісіdе", "suuuicide", "5u1c1d3", "s.u.i.c.i.d.e"]:
        assert NormalText(text).matches(normalize("suicide")), text
