"""Toy-sized, random-weight video pipelines with the real models' architecture (smoke tests, bench).

`build_tiny_pipeline(kind, path)` builds a diffusers pipeline of `kind` from
configs only (a 2-layer transformer, a tiny VAE, a tiny UMT5/T5 text encoder
and the byte-level ByT5 tokenizer, which needs no vocabulary file) and
`save_pretrained`s it to `path`, so `DiffusersBackend` loads it exactly as it
loads real weights. Nothing is downloaded. Its frames are noise-like colour
fields: what it proves is the plumbing (loading, steps, callbacks,
conditioning, fitting, cancellation), not quality. Worker-only code: heavy
imports happen inside the function.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

TINY_KINDS = ("wan", "wan-i2v", "ltx", "ltx-i2v")


def _text_parts(*, umt5: bool) -> tuple[Any, Any]:
    """ByT5's byte tokenizer (no vocabulary file) and a 2-layer UMT5 (Wan) or T5 (LTX) encoder."""
    from transformers import ByT5Tokenizer, T5Config, T5EncoderModel, UMT5Config, UMT5EncoderModel

    sizes: dict[str, Any] = {
        "vocab_size": 384,
        "d_model": 32,
        "d_kv": 8,
        "d_ff": 37,
        "num_layers": 2,
        "num_heads": 4,
        "relative_attention_num_buckets": 8,
    }
    if umt5:
        return ByT5Tokenizer(), UMT5EncoderModel(UMT5Config(**sizes))
    return ByT5Tokenizer(), T5EncoderModel(T5Config(**sizes))


def _wan(kind: str) -> Any:
    from diffusers import (
        AutoencoderKLWan,
        FlowMatchEulerDiscreteScheduler,
        WanImageToVideoPipeline,
        WanPipeline,
        WanTransformer3DModel,
    )

    tokenizer, text_encoder = _text_parts(umt5=True)
    vae = AutoencoderKLWan(
        base_dim=3, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1, temperal_downsample=[False, True, True]
    )
    image = kind == "wan-i2v"
    transformer = WanTransformer3DModel(
        patch_size=(1, 2, 2),
        num_attention_heads=2,
        attention_head_dim=12,
        # Wan 2.2 image-to-video: the image latents and mask ride along the noise (16 + 16 + 4).
        in_channels=36 if image else 16,
        out_channels=16,
        text_dim=32,
        freq_dim=256,
        ffn_dim=32,
        num_layers=2,
        cross_attn_norm=True,
        qk_norm="rms_norm_across_heads",
        rope_max_seq_len=32,
    )
    parts = {
        "tokenizer": tokenizer,
        "text_encoder": text_encoder,
        "vae": vae,
        "scheduler": FlowMatchEulerDiscreteScheduler(shift=7.0),
        "transformer": transformer,
    }
    if image:
        return WanImageToVideoPipeline(**parts, image_processor=None, image_encoder=None)
    return WanPipeline(**parts)


def _ltx(kind: str) -> Any:
    from diffusers import (
        AutoencoderKLLTXVideo,
        FlowMatchEulerDiscreteScheduler,
        LTXImageToVideoPipeline,
        LTXPipeline,
        LTXVideoTransformer3DModel,
    )

    tokenizer, text_encoder = _text_parts(umt5=False)
    transformer = LTXVideoTransformer3DModel(
        in_channels=8,
        out_channels=8,
        patch_size=1,
        patch_size_t=1,
        num_attention_heads=4,
        attention_head_dim=8,
        cross_attention_dim=32,
        num_layers=2,
        caption_channels=32,
    )
    vae = AutoencoderKLLTXVideo(
        in_channels=3,
        out_channels=3,
        latent_channels=8,
        block_out_channels=(8, 8, 8, 8),
        decoder_block_out_channels=(8, 8, 8, 8),
        layers_per_block=(1, 1, 1, 1, 1),
        decoder_layers_per_block=(1, 1, 1, 1, 1),
        spatio_temporal_scaling=(True, True, False, False),
        decoder_spatio_temporal_scaling=(True, True, False, False),
        decoder_inject_noise=(False, False, False, False, False),
        upsample_residual=(False, False, False, False),
        upsample_factor=(1, 1, 1, 1),
        timestep_conditioning=False,
        patch_size=1,
        patch_size_t=1,
        encoder_causal=True,
        decoder_causal=False,
    )
    cls = LTXImageToVideoPipeline if kind == "ltx-i2v" else LTXPipeline
    return cls(
        scheduler=FlowMatchEulerDiscreteScheduler(),
        vae=vae,
        text_encoder=text_encoder,
        tokenizer=tokenizer,
        transformer=transformer,
    )


def build_tiny_pipeline(kind: str, path: str | Path) -> Path:
    """Build a random-weight `kind` pipeline (one of `TINY_KINDS`) and save it under `path`."""
    import torch

    if kind not in TINY_KINDS:
        raise ValueError(f"unknown tiny pipeline {kind!r}; one of {TINY_KINDS}")
    torch.manual_seed(0)
    pipe = _wan(kind) if kind.startswith("wan") else _ltx(kind)
    target = Path(path)
    pipe.save_pretrained(target)
    return target
