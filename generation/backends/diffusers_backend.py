"""Hugging Face diffusers video pipelines (Wan 2.1/2.2, LTX-Video, LTX-2) as a render backend.

`GENERATION_BACKEND=diffusers` on the gpu workers. The pipeline is loaded once
per worker process (`get_backend` builds one instance) from
`GENERATION_DIFFUSERS_PATH`, a local directory (a hub id only with
`GENERATION_DIFFUSERS_ALLOW_DOWNLOAD`); torch and diffusers are imported
here, on the worker, never by the web tier.

A render is planned in chunks of the model's native length (Wan 2.1: 81
frames at 16 fps, about 5 s): the first chunk is text-to-video, or
image-to-video from the upload, the remix frame or a first frame composed
with the cast cameos' faces; each later chunk starts from the previous
chunk's last frame when an image-to-video pipeline is available (else a new
seed, a cut). Progress is the diffusers step-end callback (`ctx.step`), which
is also where a cancelled job stops. The output is fitted to the request
(`fitting`: cover-scale, centre-crop, retime to its fps). Out of GPU memory
ends the job `failed` (`gpu_out_of_memory`), frees the cache and keeps the
worker; the memory guard retries a render later when too little is free.
"""

from __future__ import annotations

import json
import logging
import math
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
from django.conf import settings
from PIL import Image

from generation.backends import fitting
from generation.backends.base import RenderContext, RenderFailed, RenderRequest, RenderResult

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Native:
    """A model family's native portrait render: size, frames per chunk, rate, and the frame-count rule."""

    width: int
    height: int
    frames: int
    fps: int
    frame_multiple: int  # valid frame counts are k * multiple + 1


# Per family, the portrait size and chunk the published checkpoints were trained for (docs/GENERATION.md).
NATIVE = {
    "wan2.1": Native(480, 832, 81, 16, 4),
    "wan2.2": Native(720, 1280, 81, 16, 4),
    "ltx": Native(512, 768, 121, 24, 8),
    "ltx2": Native(576, 1024, 121, 24, 8),
}
_T2V_TO_I2V = {"LTXPipeline": "LTXImageToVideoPipeline", "LTX2Pipeline": "LTX2ImageToVideoPipeline"}
_I2V_CLASSES = {"WanImageToVideoPipeline", "LTXImageToVideoPipeline", "LTX2ImageToVideoPipeline"}


class MemoryGuard(Exception):
    """Too little GPU memory is free to start a render: retried later (another job may be running)."""


def family_of(index: dict[str, Any]) -> str:
    """The model family from a pipeline's `model_index.json`."""
    name = str(index.get("_class_name", ""))
    if name.startswith("LTX2"):
        return "ltx2"
    if name.startswith("LTX"):
        return "ltx"
    if name.startswith("Wan"):
        two = index.get("transformer_2") not in (None, [None, None]) or bool(index.get("expand_timesteps"))
        return "wan2.2" if two else "wan2.1"
    raise RenderFailed("model_not_supported", f"{name or 'this pipeline'} is not a supported video pipeline")


def _native(family: str) -> Native:
    base = NATIVE[family]
    return Native(
        width=settings.GENERATION_DIFFUSERS_WIDTH or base.width,
        height=settings.GENERATION_DIFFUSERS_HEIGHT or base.height,
        frames=settings.GENERATION_DIFFUSERS_FRAMES or base.frames,
        fps=settings.GENERATION_DIFFUSERS_FPS or base.fps,
        frame_multiple=base.frame_multiple,
    )


def _valid_frames(wanted: int, native: Native) -> int:
    """The smallest valid frame count (k * multiple + 1) holding `wanted` frames, at most a chunk."""
    k = max(1, math.ceil((wanted - 1) / native.frame_multiple))
    return min(native.frames, k * native.frame_multiple + 1)


def _index(path: str) -> dict[str, Any]:
    local = Path(path) / "model_index.json"
    if local.is_file():
        return cast(dict[str, Any], json.loads(local.read_text()))
    if not settings.GENERATION_DIFFUSERS_ALLOW_DOWNLOAD:
        raise RenderFailed("model_not_found", f"no diffusers pipeline at {path} (downloads are off)")
    from huggingface_hub import hf_hub_download

    return cast(dict[str, Any], json.loads(Path(hf_hub_download(path, "model_index.json")).read_text()))


class DiffusersBackend:
    """One diffusers pipeline (plus its image-to-video twin) per worker process."""

    name = "diffusers"

    def __init__(self) -> None:
        path = settings.GENERATION_DIFFUSERS_PATH
        if not path:
            raise RenderFailed("model_not_configured", "GENERATION_DIFFUSERS_PATH is not set")
        self._lock = threading.Lock()
        index = _index(path)
        kind = cast(str, settings.GENERATION_DIFFUSERS_KIND)
        self.family = family_of(index) if kind == "auto" else kind
        if self.family not in NATIVE:
            raise RenderFailed("model_not_supported", f"unknown GENERATION_DIFFUSERS_KIND {kind!r}")
        self.native = _native(self.family)
        self.model_id = f"{self.family}:{Path(path).name}"
        self.makes_audio = self.family == "ltx2"
        main = self._load(path)
        self.t2v: Any = None
        self.i2v: Any = None
        if type(main).__name__ in _I2V_CLASSES:
            self.i2v = main
        else:
            self.t2v = main
        if settings.GENERATION_DIFFUSERS_I2V_PATH:
            self.i2v = self._load(settings.GENERATION_DIFFUSERS_I2V_PATH)
        elif self.i2v is None and type(main).__name__ in _T2V_TO_I2V:
            import diffusers

            # LTX's image-to-video pipeline shares every weight with text-to-video: no second load.
            self.i2v = getattr(diffusers, _T2V_TO_I2V[type(main).__name__]).from_pipe(main)
        self.image_conditioning = self.i2v is not None

    # --- loading --------------------------------------------------------------------------

    @staticmethod
    def _dtype() -> Any:
        import torch

        dtypes = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}
        precision = cast(str, settings.GENERATION_DIFFUSERS_PRECISION)
        if precision not in dtypes:
            raise RenderFailed("model_not_supported", f"GENERATION_DIFFUSERS_PRECISION {precision!r}")
        return dtypes[precision]

    def _load(self, path: str) -> Any:
        import torch
        from diffusers import DiffusionPipeline

        pipe = DiffusionPipeline.from_pretrained(
            path,
            dtype=self._dtype(),
            local_files_only=not settings.GENERATION_DIFFUSERS_ALLOW_DOWNLOAD,
        )
        device = cast(str, settings.GENERATION_DIFFUSERS_DEVICE)
        offload = settings.GENERATION_DIFFUSERS_OFFLOAD
        if offload == "model":
            pipe.enable_model_cpu_offload(device=device)
        elif offload == "sequential":
            pipe.enable_sequential_cpu_offload(device=device)
        else:
            pipe.to(device)
        vae = getattr(pipe, "vae", None)
        if settings.GENERATION_DIFFUSERS_VAE_TILING and vae is not None:
            vae.enable_tiling()
        if settings.GENERATION_DIFFUSERS_VAE_SLICING and vae is not None:
            vae.enable_slicing()
        if settings.GENERATION_DIFFUSERS_ATTENTION:
            pipe.transformer.set_attention_backend(settings.GENERATION_DIFFUSERS_ATTENTION)
        if settings.GENERATION_DIFFUSERS_COMPILE:
            pipe.transformer.compile(fullgraph=False)
        pipe.set_progress_bar_config(disable=True)
        logger.info("loaded %s from %s on %s (%s)", type(pipe).__name__, path, device, torch.__version__)
        return pipe

    # --- rendering ------------------------------------------------------------------------

    def _guard_memory(self) -> None:
        import torch

        device = cast(str, settings.GENERATION_DIFFUSERS_DEVICE)
        need = settings.GENERATION_DIFFUSERS_MIN_FREE_GB
        if need <= 0 or not device.startswith("cuda") or not torch.cuda.is_available():
            return
        free, _total = torch.cuda.mem_get_info(torch.device(device))
        if free < need * 2**30:
            raise MemoryGuard(f"{free / 2**30:.1f} GiB free on {device}, {need} GiB needed")

    def _first_image(self, request: RenderRequest) -> np.ndarray | None:
        """What the first chunk starts from: the still (upload or remix frame), with the cast
        cameos' faces composed onto it when there are any."""
        faces = [refs[0] for _, refs in sorted(request.cameo_images.items()) if refs]
        if not faces:
            return request.conditioning_image
        return fitting.compose_first_frame(
            self.native.width, self.native.height, faces=faces, backdrop=request.conditioning_image
        )

    def _call(self, *, prompt: str, image: np.ndarray | None, frames: int, seed: int, on_step: Any) -> Any:
        import torch

        pipe = self.i2v if image is not None else self.t2v
        if pipe is None:
            raise RenderFailed(
                "mode_not_supported",
                "this model needs a still to start from" if image is None else "no image-to-video pipeline",
            )
        kwargs: dict[str, Any] = {
            "prompt": prompt,
            "height": self.native.height,
            "width": self.native.width,
            "num_frames": frames,
            "num_inference_steps": settings.GENERATION_DIFFUSERS_STEPS,
            "guidance_scale": settings.GENERATION_DIFFUSERS_GUIDANCE,
            "generator": torch.Generator("cpu").manual_seed(seed),
            "callback_on_step_end": on_step,
            "output_type": "np",
            "return_dict": False,
        }
        if self.family.startswith("ltx"):
            kwargs["frame_rate"] = self.native.fps
        if image is not None:
            fitted = fitting.fit_image(image, self.native.width, self.native.height)
            kwargs["image"] = Image.fromarray(fitted)
        return pipe(**kwargs)

    def _chunk(
        self, request: RenderRequest, ctx: RenderContext, *, index: int, total: int, frames: int, image: Any
    ) -> tuple[np.ndarray, np.ndarray | None]:
        steps = max(1, settings.GENERATION_DIFFUSERS_STEPS)

        def on_step(pipe: Any, i: int, t: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
            ctx.step((index + (i + 1) / steps) / total)  # progress + heartbeat; raises to stop
            return kwargs

        out = self._call(
            prompt=request.prompt, image=image, frames=frames, seed=request.seed + index, on_step=on_step
        )
        video = fitting.to_uint8(np.asarray(out[0][0]))
        audio = None
        if self.makes_audio and len(out) > 1 and out[1] is not None:
            audio = np.asarray(out[1][0].float().cpu().numpy(), np.float32).reshape(-1, out[1][0].shape[-1])
        return video, audio

    def render(self, request: RenderRequest, ctx: RenderContext) -> RenderResult:
        import torch

        with self._lock:
            self._guard_memory()
            try:
                return self._render(request, ctx)
            except torch.OutOfMemoryError as exc:
                raise RenderFailed("gpu_out_of_memory", f"the model ran out of GPU memory: {exc}") from None
            finally:
                if torch.cuda.is_available():
                    torch.cuda.empty_cache()

    def _render(self, request: RenderRequest, ctx: RenderContext) -> RenderResult:
        native = self.native
        needed = request.duration_s * native.fps + 1
        total = max(1, math.ceil((needed - 1) / (native.frames - 1)))
        pieces: list[np.ndarray] = []
        sounds: list[np.ndarray] = []
        image = self._first_image(request)
        for index in range(total):
            have = sum(len(p) for p in pieces)
            frames = _valid_frames(needed - have + (1 if index else 0), native)
            video, audio = self._chunk(request, ctx, index=index, total=total, frames=frames, image=image)
            # A continuation repeats the frame it started from: keep it once.
            pieces.append(video[1:] if index and image is not None and self.i2v is not None else video)
            if audio is not None:
                sounds.append(audio)
            image = video[-1] if self.i2v is not None else None
        joined = np.concatenate(pieces)
        fitted = fitting.fit_frames(joined, request.width, request.height)
        out = fitting.retime(fitted, src_fps=native.fps, fps=request.fps, count=request.frame_count)
        ctx.step(1.0)
        if not sounds:
            return RenderResult(frames=out, audio=None, sample_rate=0, model_id=self.model_id)
        rate = self._audio_rate()
        audio = np.concatenate(sounds, axis=1)[:, : request.duration_s * rate]
        return RenderResult(frames=out, audio=audio, sample_rate=rate, model_id=self.model_id)

    def _audio_rate(self) -> int:
        """LTX-2's vocoder output rate (24 kHz in the published checkpoints)."""
        vocoder = getattr(self.t2v or self.i2v, "vocoder", None)
        config = getattr(vocoder, "config", None) or {}
        return int(config.get("output_sampling_rate", 24_000))
