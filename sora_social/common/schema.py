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


class AutoSchema(SpectacularAutoSchema):
    def get_serializer_name(self, serializer: Any, direction: str) -> str:
        cls = serializer if isinstance(serializer, type) else type(serializer)
        qualname = cls.__qualname__
        if "." in qualname and "<locals>" not in qualname:
            owner, _, inner = qualname.rpartition(".")
            owner = owner.replace(".", "").removesuffix("View").removesuffix("APIView")
            return f"{owner}{inner}"
        return super().get_serializer_name(serializer, direction)

    def get_operation_id(self) -> str:
        view_name = type(self.view).__name__.removesuffix("View")
        if view_name in {"Spectacular", "SpectacularAPI"}:
            return super().get_operation_id()
        return f"{_snake(view_name)}_{self.method.lower()}"


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
