"""JSON bodies are taken at their word: a string field takes a string, a number a number.

DRF coerces on input: `"text": 0` becomes "0", `"seed": "7"` becomes 7,
`"allow_remix": "yes"` becomes True. For form bodies that is needed (every
form value is a string); for JSON it accepts requests outside the published
schema, which a generated client never sends and a schema check flags. Fields
bound to a JSON body therefore refuse the wrong JSON type with the usual 400.
This must not change anything for form or multipart bodies.
"""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from rest_framework import fields
from rest_framework.exceptions import ValidationError


def _wrong_json_type(field: fields.Field, data: Any) -> str | None:
    """What the field wanted, if `data` is the wrong JSON type for it."""
    if isinstance(field, fields.BooleanField):
        return None if isinstance(data, bool) else "true or false"
    if isinstance(field, fields.IntegerField):
        return "an integer" if isinstance(data, str | bool) else None
    if isinstance(field, fields.FloatField):
        return "a number" if isinstance(data, str | bool) else None
    if isinstance(field, fields.CharField):
        return "a string" if isinstance(data, int | float) else None  # bool is an int
    return None


def _json_bound(field: fields.Field) -> bool:
    data = getattr(field.root, "initial_data", None)
    return data is not None and not isinstance(data, QueryDict)


def _strict(cls: type[fields.Field]) -> None:
    original = cls.to_internal_value

    def to_internal_value(self: fields.Field, data: Any) -> Any:
        wanted = _wrong_json_type(self, data)
        if wanted and _json_bound(self):
            raise ValidationError(f"Expected {wanted}.", code="invalid")
        return original(self, data)

    cls.to_internal_value = to_internal_value  # type: ignore[method-assign]  # the patch is the point


_installed = False


def install_strict_json_fields() -> None:
    """Called once from the app config; idempotent."""
    global _installed
    if _installed:
        return
    for cls in (fields.CharField, fields.IntegerField, fields.FloatField, fields.BooleanField):
        _strict(cls)
    _installed = True
