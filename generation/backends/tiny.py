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

TINY_KINDS = ("wan", "wan-i2v", "ltx", "ltx-i2v", "ltx2")


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


def _ltx2_text_parts() -> tuple[Any, Any]:
    """ByT5's byte tokenizer and a 2-layer Gemma 3 (LTX-2's text encoder family) with a tiny vision tower."""
    from transformers import ByT5Tokenizer, Gemma3Config, Gemma3ForConditionalGeneration

    config = Gemma3Config(
        text_config={
            "vocab_size": 384,
            "hidden_size": 32,
            "intermediate_size": 32,
            "num_hidden_layers": 2,
            "num_attention_heads": 4,
            "num_key_value_heads": 1,
            "head_dim": 8,
            "max_position_embeddings": 64,
            "sliding_window": 16,
        },
        vision_config={
            "hidden_size": 16,
            "intermediate_size": 32,
            "num_hidden_layers": 1,
            "num_attention_heads": 2,
            "image_size": 16,
            "patch_size": 8,
        },
        mm_tokens_per_image=4,
    )
    return ByT5Tokenizer(), Gemma3ForConditionalGeneration(config)


def _ltx2_transformer(caption_channels: int) -> Any:
    """The LTX-2 audio-video transformer: two layers, two heads."""
    from diffusers import LTX2VideoTransformer3DModel

    return LTX2VideoTransformer3DModel(
        in_channels=4,
        out_channels=4,
        patch_size=1,
        patch_size_t=1,
        num_attention_heads=2,
        attention_head_dim=8,
        cross_attention_dim=16,
        audio_in_channels=4,
        audio_out_channels=4,
        audio_num_attention_heads=2,
        audio_attention_head_dim=4,
        audio_cross_attention_dim=8,
        num_layers=2,
        qk_norm="rms_norm_across_heads",
        caption_channels=caption_channels,
        rope_double_precision=False,
        rope_type="split",
    )


def _ltx2_connectors(caption_channels: int, text_layers: int) -> Any:
    """The text connectors that feed the transformer's video and audio streams."""
    from diffusers.pipelines.ltx2 import LTX2TextConnectors

    return LTX2TextConnectors(
        caption_channels=caption_channels,
        text_proj_in_factor=text_layers + 1,
        video_connector_num_attention_heads=4,
        video_connector_attention_head_dim=8,
        video_connector_num_layers=1,
        video_connector_num_learnable_registers=None,
        audio_connector_num_attention_heads=4,
        audio_connector_attention_head_dim=8,
        audio_connector_num_layers=1,
        audio_connector_num_learnable_registers=None,
        connector_rope_base_seq_len=32,
        rope_theta=10000.0,
        rope_double_precision=False,
        causal_temporal_positioning=False,
        rope_type="split",
    )


def _ltx2_video_vae() -> Any:
    """A one-block causal video VAE."""
    from diffusers import AutoencoderKLLTX2Video

    return AutoencoderKLLTX2Video(
        in_channels=3,
        out_channels=3,
        latent_channels=4,
        block_out_channels=(8,),
        decoder_block_out_channels=(8,),
        layers_per_block=(1,),
        decoder_layers_per_block=(1, 1),
        spatio_temporal_scaling=(True,),
        decoder_spatio_temporal_scaling=(True,),
        decoder_inject_noise=(False, False),
        downsample_type=("spatial",),
        upsample_residual=(False,),
        upsample_factor=(1,),
        timestep_conditioning=False,
        patch_size=1,
        patch_size_t=1,
        encoder_causal=True,
        decoder_causal=False,
    )


def _ltx2_audio_parts() -> tuple[Any, Any]:
    """The audio VAE and its vocoder, sized for 16 kHz stereo."""
    from diffusers import AutoencoderKLLTX2Audio
    from diffusers.pipelines.ltx2.vocoder import LTX2Vocoder

    audio_vae = AutoencoderKLLTX2Audio(
        base_channels=4,
        output_channels=2,
        ch_mult=(1,),
        num_res_blocks=1,
        attn_resolutions=None,
        in_channels=2,
        resolution=32,
        latent_channels=2,
        norm_type="pixel",
        causality_axis="height",
        dropout=0.0,
        mid_block_add_attention=False,
        sample_rate=16000,
        mel_hop_length=160,
        is_causal=True,
        mel_bins=8,
    )
    vocoder = LTX2Vocoder(
        in_channels=2 * 8,
        hidden_channels=32,
        out_channels=2,
        upsample_kernel_sizes=[4, 4],
        upsample_factors=[2, 2],
        resnet_kernel_sizes=[3],
        resnet_dilations=[[1, 3, 5]],
        leaky_relu_negative_slope=0.1,
        output_sampling_rate=16000,
    )
    return audio_vae, vocoder


def _ltx2() -> Any:
    """LTX-2: video and audio from one transformer, with its audio VAE and vocoder (all toy-sized)."""
    from diffusers import FlowMatchEulerDiscreteScheduler, LTX2Pipeline

    tokenizer, text_encoder = _ltx2_text_parts()
    text = text_encoder.config.text_config
    audio_vae, vocoder = _ltx2_audio_parts()
    return LTX2Pipeline(
        transformer=_ltx2_transformer(text.hidden_size),
        vae=_ltx2_video_vae(),
        audio_vae=audio_vae,
        scheduler=FlowMatchEulerDiscreteScheduler(),
        text_encoder=text_encoder,
        tokenizer=tokenizer,
        connectors=_ltx2_connectors(text.hidden_size, text.num_hidden_layers),
        vocoder=vocoder,
    )


def build_tiny_pipeline(kind: str, path: str | Path) -> Path:
    """Build a random-weight `kind` pipeline (one of `TINY_KINDS`) and save it under `path`."""
    import torch

    if kind not in TINY_KINDS:
        raise ValueError(f"unknown tiny pipeline {kind!r}; one of {TINY_KINDS}")
    torch.manual_seed(0)
    pipe = _wan(kind) if kind.startswith("wan") else _ltx2() if kind == "ltx2" else _ltx(kind)
    target = Path(path)
    pipe.save_pretrained(target)
    return target
