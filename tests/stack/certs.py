"""A C2PA signing chain made for one stack run: the project's chain builder under a
non-development organization (production refuses the development chain)."""

from __future__ import annotations

from pathlib import Path

from generation.provenance import generate_development_chain


def write_signing_chain(directory: Path) -> tuple[Path, Path]:
    """root.pem, chain.pem (signer + intermediate) and signer.key; returns (chain, key)."""
    generate_development_chain(directory, organization="Sora Social stack test")
    return directory / "chain.pem", directory / "signer.key"
