"""Usernames that could pass for another account's: mixed scripts and look-alikes."""

import re
import unicodedata

from confusable_homoglyphs import categories, confusables
from django import forms
from django.utils.translation import gettext_lazy as _

# Digits, punctuation and combining marks belong to no script of their own.
ANY_SCRIPT = {"COMMON", "INHERITED"}
# The scripts that Unicode's "highly restrictive" profile (UTS #39, 5.2) lets one
# name combine, because Japanese, Chinese and Korean are written that way.
SCRIPTS_WRITTEN_TOGETHER = (
    {"LATIN", "HAN", "HIRAGANA", "KATAKANA"},
    {"LATIN", "HAN", "BOPOMOFO"},
    {"LATIN", "HAN", "HANGUL"},
)
# What Django's UnicodeUsernameValidator allows: a look-alike outside it cannot be
# in any stored name, so it need not be in the pattern, and no character of the
# pattern is special in a bracket but the hyphen.
USERNAME_CHARACTER = re.compile(r"[\w.@+-]")


def mixes_scripts(name):
    """Tell whether name is written in more than one script."""
    scripts = categories.unique_aliases(name) - ANY_SCRIPT
    return len(scripts) > 1 and not any(
        scripts <= together for together in SCRIPTS_WRITTEN_TOGETHER
    )


def homoglyphs(text):
    """Return what confusables.txt says text may be read as, or read for."""
    found = confusables.is_confusable(text, greedy=True) or ()
    return {glyph["c"] for entry in found for glyph in entry["homoglyphs"]}


def look_alikes(character):
    """Return character and every character a username can hold that reads as it."""
    # The data links each character to its prototype and each prototype to the
    # characters read as it, so two steps reach the whole set.
    found = {character}
    for glyph in homoglyphs(character):
        found.add(glyph)
        if len(glyph) == 1:
            found |= homoglyphs(glyph)
    return {
        glyph
        for glyph in found
        if len(glyph) == 1
        and USERNAME_CHARACTER.fullmatch(glyph)
        and unicodedata.normalize("NFKC", glyph) == glyph
    }


def look_alike_pattern(name):
    """Return a regular expression matching every name that reads as name."""
    brackets = []
    for character in name:
        # A hyphen is literal last in a bracket, in every database's dialect.
        glyphs = sorted(look_alikes(character), key=lambda glyph: (glyph == "-", glyph))
        brackets.append(f"[{''.join(glyphs)}]")
    return f"^{''.join(brackets)}$"


class DistinctUsernameMixin:
    """Refuse a new username that mixes scripts or reads as another account's."""

    def clean_username(self):
        # Django's creation forms refuse a name taken in another case here (they
        # record the error and return None); its change form has no such method.
        if hasattr(super(), "clean_username"):
            username = super().clean_username()
        else:
            username = self.cleaned_data.get("username")
        # An unchanged name is kept, so older accounts can still be edited.
        if username and "username" in self.changed_data:
            self.validate_distinct_username(username)
        return username

    def validate_distinct_username(self, username):
        if mixes_scripts(username):
            raise forms.ValidationError(
                _(
                    "This name mixes alphabets, so it could pass for another; "
                    "write it in one."
                ),
                code="mixed_scripts",
            )
        if not all(map(USERNAME_CHARACTER.fullmatch, username)):
            # The model's validator refuses the name after this method.
            return
        # A look-alike is one of Unicode's confusables (UTS #39) put for one
        # character: one query, a bracket per character, finds every name that
        # differs only so, in any script, without reading the names into Python.
        # Names are compared as written, as Unicode compares them; Django's own
        # check refuses those that differ only in case. Not caught: two
        # characters read as one ("rn" for "m"), and a look-alike of another
        # case (Cyrillic capitals for "abe").
        model = self._meta.model
        others = model._default_manager.exclude(pk=self.instance.pk)
        lookup = {f"{model.USERNAME_FIELD}__regex": look_alike_pattern(username)}
        if others.filter(**lookup).exists():
            raise forms.ValidationError(
                _("This name looks like an existing one; choose another."),
                code="look_alike",
            )
