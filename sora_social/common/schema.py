"""OpenAPI generation tuned to the house style.

Views nest their serializers (`SignupView.InputSerializer`), so the class
name alone repeats across the API and drf-spectacular would merge different
request bodies into one component. Components here are named after the view
that owns them, and operation ids after the view and method.
"""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _view_stem(name: str) -> str:
    """`SignupView` and `SignupAPIView` are both `Signup`."""
    return name.removesuffix("APIView").removesuffix("View")


class AutoSchema(SpectacularAutoSchema):
    def get_serializer_name(self, serializer: Any, direction: str) -> str:
        cls = serializer if isinstance(serializer, type) else type(serializer)
        qualname = cls.__qualname__
        if "." in qualname and "<locals>" not in qualname:
            owner, _, inner = qualname.rpartition(".")
            owner = _view_stem(owner.replace(".", ""))
            return f"{owner}{inner}"
        return super().get_serializer_name(serializer, direction)

    def get_operation_id(self) -> str:
        return f"{_snake(_view_stem(type(self.view).__name__))}_{self.method.lower()}"


_COMPONENTS: dict[str, type] = {}


def component(name: str, fields: dict[str, Any], **kwargs: Any) -> Any:
    """Like drf-spectacular's `inline_serializer`, but one class per name.

    A helper that builds an inline serializer on every call would make a new
    class each time, and the schema would see several different "Cameo"
    components. This returns instances of one cached class per name.
    """
    from drf_spectacular.utils import inline_serializer

    cls = _COMPONENTS.get(name)
    if cls is None:
        cls = type(inline_serializer(name, fields))
        _COMPONENTS[name] = cls
    return cls(**kwargs)
