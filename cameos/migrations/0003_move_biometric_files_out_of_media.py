"""Move enrolment recordings, face crops and gallery photos stored before the biometric
storage existed out of the (URL-served) media storage, under fresh random names."""

import secrets

from django.core.files.storage import storages
from django.db import migrations


def forwards(apps, schema_editor):
    media, biometric = storages["default"], storages["biometric"]

    def move(name, folder):
        if not name or not media.exists(name):
            return name
        new = f"{folder}/{secrets.token_urlsafe(18)}/{name.rsplit('/', 1)[-1]}"
        with media.open(name, "rb") as handle:
            new = biometric.save(new, handle)
        media.delete(name)
        return new

    Cameo = apps.get_model("cameos", "Cameo")
    for cameo in Cameo.objects.exclude(recording="", reference_image="").iterator(chunk_size=500):
        recording = move(cameo.recording.name, "cameos")
        reference = move(cameo.reference_image.name, "cameos")
        Cameo.objects.filter(pk=cameo.pk).update(recording=recording or "", reference_image=reference or "")
    PublicFigure = apps.get_model("cameos", "PublicFigure")
    for figure in PublicFigure.objects.exclude(photo="").iterator(chunk_size=500):
        PublicFigure.objects.filter(pk=figure.pk).update(photo=move(figure.photo.name, "public_figures"))


class Migration(migrations.Migration):
    dependencies = [("cameos", "0002_biometric_storage_and_access_audit")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
