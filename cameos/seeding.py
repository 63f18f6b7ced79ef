"""Demo cameos: alice, bob and carol enrolled with real faces from the photos shipped
with insightface, and Tom Hanks in the public-figure gallery.

Real embeddings, not placeholders: the demo's likeness checks then behave as in
production. Skipped (with a note) where the face model or photos are missing.
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path
from typing import Any

import numpy as np
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image

from cameos import registry, services
from cameos.faces import Face, FaceBackend, get_backend
from cameos.models import Cameo, CameoState, EmbeddingPool, PublicFigure, SubjectKind
from cameos.models.cameo import LIVE_STATES
from sora_social.accounts.models import User

DEMO = [("alice", 0, "everyone"), ("bob", 2, "mutuals"), ("carol", 3, "approved")]


class CameosSeeder:
    name = "cameos"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--no-cameos", action="store_true", help="Skip demo cameos (no face model run).")

    def run(self, options: dict[str, Any], progress: Any) -> list[str]:
        if options.get("no_cameos"):
            return []
        try:
            import insightface

            backend = get_backend()
        except Exception as exc:  # the web-only install has no face model
            return [f"cameos: skipped ({exc.__class__.__name__}: face model unavailable)"]
        images = Path(insightface.__file__).parent / "data" / "images"
        group = np.asarray(Image.open(images / "t1.jpg").convert("RGB"))
        faces = sorted(backend.detect(group), key=lambda f: f.box[0])
        lines = []
        for username, index, audience in DEMO:
            if index < len(faces) and _enrol(username, group, faces[index], audience, backend):
                lines.append(f"cameo: @{username} ({audience})")
        lines += _gallery(images / "Tom_Hanks_54745.png")
        return lines


def _enrol(username: str, image: np.ndarray, face: Face, audience: str, backend: FaceBackend) -> bool:
    owner = User.objects.filter(username=username).first()
    if owner is None or Cameo.objects.filter(owner=owner, state__in=LIVE_STATES).exists():
        return False
    buffer = io.BytesIO()
    Image.fromarray(backend.align(image, face)).save(buffer, format="PNG")
    with transaction.atomic():
        cameo = Cameo.objects.create(
            owner=owner,
            state=CameoState.VERIFIED,
            audience=audience,
            verified_at=timezone.now(),
            embedding_model=backend.embedding_model,
            challenge={"seeded": True},
        )
        cameo.reference_image.save("reference.png", ContentFile(buffer.getvalue()))
        registry.store(
            embedding_model=backend.embedding_model,
            pool=EmbeddingPool.REGISTRY,
            subject_kind=SubjectKind.CAMEO,
            subject_id=cameo.pk,
            vectors=[backend.embed(image, face)],
        )
    return True


def _gallery(photo: Path) -> list[str]:
    if PublicFigure.objects.filter(name="Tom Hanks").exists():
        return []
    # The shipped crop is 112 px; the HOG detector wants a larger face.
    buffer = io.BytesIO()
    Image.open(photo).convert("RGB").resize((240, 240), Image.Resampling.BICUBIC).save(buffer, format="PNG")
    services.public_figure_add(name="Tom Hanks", photo=ContentFile(buffer.getvalue(), name="hanks.png"))
    return ["public figure: Tom Hanks"]
