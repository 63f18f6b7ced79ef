"""The protected public-figure gallery: a photo with one clear face, embedded into the registry."""

from __future__ import annotations

import io

import numpy as np
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from PIL import Image, UnidentifiedImageError

from cameos import registry
from cameos.faces import get_backend
from cameos.models import EmbeddingPool, PublicFigure, SubjectKind
from sora_social.common.errors import ValidationFailed


@transaction.atomic
def public_figure_add(
    *, name: str, photo: UploadedFile[bytes] | ContentFile[bytes], figure: PublicFigure | None = None
) -> PublicFigure:
    """Add (or re-embed) a protected public figure from a photo with exactly one clear face."""
    photo.seek(0)
    data = photo.read()
    try:
        image = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    except (UnidentifiedImageError, OSError) as exc:
        raise ValidationFailed("The photo could not be read.", code="invalid_photo") from exc
    backend = get_backend()
    faces = backend.detect(image)
    if len(faces) != 1:
        raise ValidationFailed(
            "The photo must show exactly one face.",
            code="photo_needs_one_face",
            details={"faces": len(faces)},
        )
    figure = figure or PublicFigure(name=name)
    previous = (
        None
        if figure._state.adding
        else PublicFigure.objects.filter(pk=figure.pk).values_list("photo", flat=True).first()
    )
    figure.name = name
    figure.embedding_model = backend.embedding_model
    figure.photo.save(f"photo{_photo_ext(getattr(photo, 'name', ''))}", ContentFile(data), save=False)
    figure.save()
    if previous and previous != figure.photo.name:
        storage = figure.photo.storage
        transaction.on_commit(lambda: storage.delete(previous))
    registry.erase(subject_kind=SubjectKind.PUBLIC_FIGURE, subject_ids=[figure.pk])
    if figure.active:
        registry.store(
            embedding_model=backend.embedding_model,
            pool=EmbeddingPool.REGISTRY,
            subject_kind=SubjectKind.PUBLIC_FIGURE,
            subject_id=figure.pk,
            vectors=[backend.embed(image, faces[0])],
        )
    return figure


def _photo_ext(name: str | None) -> str:
    ext = name[name.rfind(".") :].lower() if name and "." in name else ".jpg"
    return ext if ext in {".jpg", ".jpeg", ".png", ".webp"} else ".jpg"


@transaction.atomic
def public_figure_delete(*, figure: PublicFigure) -> None:
    registry.erase(subject_kind=SubjectKind.PUBLIC_FIGURE, subject_ids=[figure.pk])
    name, storage = figure.photo.name, figure.photo.storage
    figure.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
