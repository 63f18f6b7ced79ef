"""A C2PA signing chain made for one stack run (production refuses the development chain)."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Sora Social stack test"),
        ]
    )


def _cert(subject: str, key: Any, issuer: Any, issuer_key: Any, *, ca: bool, days: int) -> x509.Certificate:
    now = datetime.datetime.now(datetime.UTC)
    usage = x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer.subject if issuer is not None else _name(subject))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(usage, critical=True)
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


def write_signing_chain(directory: Path) -> tuple[Path, Path]:
    """root.pem, chain.pem (signer + intermediate) and signer.key; returns (chain, key)."""
    root_key, mid_key, leaf_key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
    root = _cert("Stack Root CA", root_key, None, root_key, ca=True, days=30)
    mid = _cert("Stack Intermediate CA", mid_key, root, root_key, ca=True, days=30)
    leaf = _cert("Stack Signer", leaf_key, mid, mid_key, ca=False, days=30)
    pem = serialization.Encoding.PEM
    directory.mkdir(parents=True, exist_ok=True)
    key_path = directory / "signer.key"
    key_path.write_bytes(
        leaf_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    key_path.chmod(0o600)
    chain_path = directory / "chain.pem"
    chain_path.write_bytes(leaf.public_bytes(pem) + mid.public_bytes(pem))
    (directory / "root.pem").write_bytes(root.public_bytes(pem))
    return chain_path, key_path
