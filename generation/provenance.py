"""C2PA provenance: the signing chain, signing an MP4's manifest, and reading it back.

Every stored video carries a manifest that says it was made by a trained
algorithm (`c2pa.created`, digital source type `trainedAlgorithmicMedia`),
names its parent for remixes (a `parentOf` ingredient) and lists the cameos
cast with consent (assertion `social.sora.cameos`).

Signing needs an X.509 chain the C2PA validator accepts: an end-entity
certificate (not a CA) with the digitalSignature key usage and an extended key
usage C2PA allows (we use emailProtection), issued by a CA. Production
configures `C2PA_SIGN_CERT`/`C2PA_SIGN_KEY` (a chain from a CA on the C2PA
trust list); the embedded default makes a development root, intermediate and
signer once under `var/c2pa/` so manifests validate structurally everywhere
and are trusted wherever that root is configured as a trust anchor.
"""

from __future__ import annotations

import datetime
import io
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import c2pa
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings

CAMEO_ASSERTION = "social.sora.cameos"
TRAINED_ALGORITHMIC_MEDIA = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
GENERATOR = "Sora Social"

_lock = threading.Lock()
_material: SigningMaterial | None = None


@dataclass(frozen=True)
class SigningMaterial:
    chain_pem: bytes  # signer first, then intermediates; never the root
    key_pem: bytes
    alg: str
    tsa_url: str | None
    trust_anchors_pem: bytes | None
    development: bool


@dataclass(frozen=True)
class ParentIngredient:
    title: str
    data: bytes
    mime: str = "video/mp4"


@dataclass(frozen=True)
class ManifestReport:
    validation_state: str | None  # "Invalid", "Valid" (well formed, signer not trusted) or "Trusted"
    manifest: dict[str, Any]
    failures: list[dict[str, Any]]

    @property
    def label(self) -> str:
        return str(self.manifest.get("label", ""))

    def assertion(self, label: str) -> Any:
        for assertion in self.manifest.get("assertions", []):
            if assertion.get("label") == label:
                return assertion.get("data")
        return None


def _dev_dir() -> Path:
    return Path(settings.VAR_DIR) / "c2pa"


DEVELOPMENT_ORGANIZATION = "Sora Social (development)"  # what production refuses (common/checks.py)


def _name(common_name: str, organization: str) -> Any:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
        ]
    )


def generate_development_chain(directory: Path, *, organization: str = DEVELOPMENT_ORGANIZATION) -> None:
    """Write root.pem, chain.pem (signer + intermediate) and signer.key: a chain C2PA accepts.

    Under another `organization` it is a private chain production accepts (the
    multi-process stack's tests sign with one)."""
    now = datetime.datetime.now(datetime.UTC)

    def usage(*, sign: bool, ca: bool) -> x509.KeyUsage:
        return x509.KeyUsage(
            digital_signature=sign,
            content_commitment=False,
            key_encipherment=False,
            data_encipherment=False,
            key_agreement=False,
            key_cert_sign=ca,
            crl_sign=ca,
            encipher_only=False,
            decipher_only=False,
        )

    def cert(subject: str, key: Any, issuer: Any, issuer_key: Any, *, ca: bool, days: int) -> Any:
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(subject, organization))
            .issuer_name(issuer.subject if issuer is not None else _name(subject, organization))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .add_extension(usage(sign=not ca, ca=ca), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False
            )
        )
        if not ca:
            builder = builder.add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
            )
        return builder.sign(issuer_key, hashes.SHA256())

    root_key, mid_key, leaf_key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
    root = cert("Sora Social Dev Root CA", root_key, None, root_key, ca=True, days=3650)
    mid = cert("Sora Social Dev Intermediate CA", mid_key, root, root_key, ca=True, days=1825)
    leaf = cert("Sora Social Dev Signer", leaf_key, mid, mid_key, ca=False, days=365)
    pem = serialization.Encoding.PEM
    directory.mkdir(parents=True, exist_ok=True)
    key_path = directory / "signer.key"
    key_path.write_bytes(
        leaf_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    key_path.chmod(0o600)
    (directory / "chain.pem").write_bytes(leaf.public_bytes(pem) + mid.public_bytes(pem))
    # Written last: its presence means the set is complete.
    (directory / "root.pem").write_bytes(root.public_bytes(pem))


def _dev_chain_expired(chain_pem: bytes) -> bool:
    leaf = x509.load_pem_x509_certificates(chain_pem)[0]
    return leaf.not_valid_after_utc < datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=7)


def signing_material() -> SigningMaterial:
    """The configured chain and key, or the development chain (made on first use)."""
    global _material
    with _lock:
        if _material is not None:
            return _material
        anchors_path = settings.C2PA_TRUST_ANCHORS
        anchors = Path(anchors_path).read_bytes() if anchors_path else None
        if settings.C2PA_SIGN_CERT and settings.C2PA_SIGN_KEY:
            _material = SigningMaterial(
                chain_pem=Path(settings.C2PA_SIGN_CERT).read_bytes(),
                key_pem=Path(settings.C2PA_SIGN_KEY).read_bytes(),
                alg=cast(str, settings.C2PA_SIGN_ALG),  # declared with a default: never None
                tsa_url=settings.C2PA_TSA_URL,
                trust_anchors_pem=anchors,
                development=False,
            )
            return _material
        directory = _dev_dir()
        if not (directory / "root.pem").exists() or _dev_chain_expired(
            (directory / "chain.pem").read_bytes()
        ):
            generate_development_chain(directory)
        _material = SigningMaterial(
            chain_pem=(directory / "chain.pem").read_bytes(),
            key_pem=(directory / "signer.key").read_bytes(),
            alg="es256",
            tsa_url=settings.C2PA_TSA_URL,
            trust_anchors_pem=anchors or (directory / "root.pem").read_bytes(),
            development=True,
        )
        return _material


def reset_signing_material() -> None:
    """Forget the loaded chain (after settings change, in tests)."""
    global _material
    with _lock:
        _material = None


def manifest_definition(
    *, title: str, job_id: int, cameo_ids: list[int], parent_title: str | None = None, model: str = ""
) -> dict[str, Any]:
    """The manifest: `c2pa.created` by the model that made the frames (`softwareAgent`, e.g.
    `wan2.1:Wan2.1-T2V-14B-Diffusers` or `remote:sora-2`; the product's name when none is given)."""
    actions: list[dict[str, Any]] = [
        {
            "action": "c2pa.created",
            "digitalSourceType": TRAINED_ALGORITHMIC_MEDIA,
            "softwareAgent": model or GENERATOR,
        }
    ]
    return {
        "claim_generator_info": [{"name": GENERATOR, "version": "1"}],
        "title": title,
        "format": "video/mp4",
        "assertions": [
            {"label": "c2pa.actions", "data": {"actions": actions}},
            {
                "label": CAMEO_ASSERTION,
                "data": {
                    "generation_id": str(job_id),
                    "cameo_ids": [str(c) for c in sorted(cameo_ids)],
                    "consent": "checked_at_submit_and_before_storing",
                    "remix_of": parent_title,
                },
            },
        ],
    }


def sign_mp4(
    data: bytes,
    *,
    title: str,
    job_id: int,
    cameo_ids: list[int],
    parent: ParentIngredient | None = None,
    model: str = "",
) -> bytes:
    """`data` with an embedded, signed C2PA manifest (a new MP4; the media bytes are untouched)."""
    material = signing_material()
    info = c2pa.C2paSignerInfo(material.alg, material.chain_pem, material.key_pem, material.tsa_url)
    signer = c2pa.Signer.from_info(info)
    definition = manifest_definition(
        title=title,
        job_id=job_id,
        cameo_ids=cameo_ids,
        parent_title=parent.title if parent else None,
        model=model,
    )
    with c2pa.Builder(json.dumps(definition)) as builder:
        if parent is not None:
            builder.add_ingredient(
                {"title": parent.title, "relationship": "parentOf"}, parent.mime, io.BytesIO(parent.data)
            )
        out = io.BytesIO()
        builder.sign(signer, "video/mp4", io.BytesIO(data), out)
    signer.close()
    return out.getvalue()


def read_manifest(data: bytes, *, trust_anchors_pem: bytes | None = None) -> ManifestReport:
    """Read and validate the active manifest; with trust anchors, signers they cover are `Trusted`."""
    context = None
    if trust_anchors_pem:
        context = c2pa.Context.from_dict(
            {"trust": {"trust_anchors": trust_anchors_pem.decode()}, "verify": {"verify_trust": True}}
        )
    reader = c2pa.Reader("video/mp4", io.BytesIO(data), context=context)
    try:
        manifest = reader.get_active_manifest() or {}
        results = reader.get_validation_results() or {}
        state = reader.get_validation_state()
    finally:
        reader.close()
    failures = list((results.get("activeManifest") or {}).get("failure", []))
    return ManifestReport(validation_state=state, manifest=manifest, failures=failures)
