"""The built-in CPU backend: a deterministic animation from prompt and seed.

Same prompt, style and seed give the same frames and samples, bit for bit.
What it draws stands in for a model's output well enough to exercise the whole
pipeline honestly: colours and moving shapes derived from the prompt, the
prompt's words on screen, a soundtrack whose pitch follows the shapes' height
and which clicks when one bounces, an uploaded still or remix frame as the
backdrop, and each cast cameo's reference face carried across the frame (so
likeness detection downstream sees real faces).
"""

from __future__ import annotations

import colorsys
import hashlib
import textwrap
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from generation.backends.base import RenderContext, RenderRequest, RenderResult

SAMPLE_RATE = 48_000
STEPS = 10


def _digest(*parts: object) -> bytes:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()


def _colour(seed_bytes: bytes, *, light: float = 0.55, sat: float = 0.75) -> tuple[int, int, int]:
    hue = int.from_bytes(seed_bytes[:2], "big") / 65535
    r, g, b = colorsys.hls_to_rgb(hue, light, sat)
    return int(r * 255), int(g * 255), int(b * 255)


@dataclass
class _Shape:
    kind: str
    colour: tuple[int, int, int]
    radius: float  # fraction of width
    x0: float
    ax: float
    fx: float
    px: float
    fy: float
    py: float
    tone_hz: float


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _text_layer(text: str, width: int, size: int) -> tuple[np.ndarray, np.ndarray]:
    """RGB and alpha of `text` wrapped to the frame width, white on a dark band."""
    font = _font(size)
    chars = max(8, int(width / (size * 0.55)))
    lines = textwrap.wrap(text, chars)[:4] or [""]
    line_h = int(size * 1.25)
    h = line_h * len(lines) + size // 2
    layer = Image.new("RGBA", (width, h), (0, 0, 0, 110))
    draw = ImageDraw.Draw(layer)
    for i, line in enumerate(lines):
        draw.text((size // 2, size // 4 + i * line_h), line, font=font, fill=(255, 255, 255, 255))
    arr = np.asarray(layer)
    return arr[..., :3].astype(np.float32), arr[..., 3:].astype(np.float32) / 255.0


def _square_face(image: np.ndarray, side: int) -> Image.Image:
    """The reference image centre-cropped to a square and scaled to `side` pixels."""
    h, w = image.shape[:2]
    s = min(h, w)
    top, left = (h - s) // 2, (w - s) // 2
    crop = Image.fromarray(np.ascontiguousarray(image[top : top + s, left : left + s, :3]))
    return crop.resize((side, side), Image.Resampling.BILINEAR)


class ProceduralBackend:
    name = "procedural"
    model_id = "procedural-v1"

    @staticmethod
    def _motion(shapes: list[_Shape], t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Horizontal sway and bouncing height (0 at the top of the arc, 1 on the floor) per shape."""
        xs = np.array([s.x0 + s.ax * np.sin(2 * np.pi * s.fx * t + s.px) for s in shapes])
        heights = np.array([1 - np.abs(np.sin(np.pi * s.fy * t + s.py)) for s in shapes])
        return xs, heights

    def motion(self, request: RenderRequest) -> np.ndarray:
        """The shapes' heights per frame (shape, frame) that a render of `request` animates."""
        shapes = self._shapes(request)
        return self._motion(shapes, np.arange(request.frame_count, dtype=np.float64) / request.fps)[1]

    @staticmethod
    def _rng(request: RenderRequest) -> tuple[bytes, np.random.Generator]:
        root = _digest(request.prompt.strip().lower(), request.style, request.seed)
        return root, np.random.default_rng(int.from_bytes(root[:8], "big"))

    def _shapes(self, request: RenderRequest) -> list[_Shape]:
        _, rng = self._rng(request)
        words = [w for w in request.prompt.split() if w.strip()] or ["…"]
        palette = [_colour(_digest(w.lower(), request.style)) for w in words[:8]]
        return [
            _Shape(
                kind="ellipse" if rng.random() < 0.6 else "rectangle",
                colour=palette[i % len(palette)],
                radius=float(rng.uniform(0.06, 0.14)),
                x0=float(rng.uniform(0.2, 0.8)),
                ax=float(rng.uniform(0.1, 0.3)),
                fx=float(rng.uniform(0.1, 0.4)),
                px=float(rng.uniform(0, 2 * np.pi)),
                fy=float(rng.uniform(0.3, 0.9)),
                py=float(rng.uniform(0, np.pi)),
                tone_hz=float(220 * 2 ** (rng.integers(0, 12) / 12)),
            )
            for i in range(int(rng.integers(3, 6)))
        ]

    @staticmethod
    def _backdrop(request: RenderRequest, root: bytes) -> np.ndarray:
        """A vertical two-colour gradient, blended with the conditioning still when there is one."""
        width, height = request.width, request.height
        top, bottom = _colour(root[8:10], light=0.3), _colour(root[10:12], light=0.65)
        ys = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None, None]
        gradient = (np.array(top, np.float32) * (1 - ys) + np.array(bottom, np.float32) * ys).repeat(width, 1)
        if request.conditioning_image is None:
            return gradient
        image = Image.fromarray(np.ascontiguousarray(request.conditioning_image[..., :3]))
        still = np.asarray(image.resize((width, height), Image.Resampling.BILINEAR), np.float32)
        return 0.75 * still + 0.25 * gradient

    def render(self, request: RenderRequest, ctx: RenderContext) -> RenderResult:
        width, height, fps, n = request.width, request.height, request.fps, request.frame_count
        root, _ = self._rng(request)
        words = [w for w in request.prompt.split() if w.strip()] or ["…"]
        backdrop = self._backdrop(request, root)
        shapes = self._shapes(request)
        t = np.arange(n, dtype=np.float64) / fps
        xs, heights = self._motion(shapes, t)

        size = max(12, width // 24)
        caption_rgb, caption_a = _text_layer(request.prompt, width, size)
        caption_top = int(height * 0.62)
        caption_rows = min(caption_rgb.shape[0], height - caption_top)
        word_layers = [_text_layer(w, width, size * 2) for w in words[:24]]

        faces = []
        face_side = max(48, int(min(width, height) * 0.42))
        for cameo_id in sorted(request.cameo_images):
            refs = request.cameo_images[cameo_id]
            if refs:
                faces.append(_square_face(refs[0], face_side))

        frames = np.empty((n, height, width, 3), np.uint8)
        per_step = max(1, -(-n // STEPS))
        for i in range(n):
            if i % per_step == 0:
                ctx.step(i / n)
            shift = 0.85 + 0.15 * np.sin(2 * np.pi * t[i] / max(request.duration_s, 1))
            canvas = Image.fromarray((backdrop * shift).clip(0, 255).astype(np.uint8))
            draw = ImageDraw.Draw(canvas)
            for k, shape in enumerate(shapes):
                r = shape.radius * width
                cx = xs[k, i] * width
                cy = (0.15 + 0.55 * heights[k, i]) * height
                box = (cx - r, cy - r, cx + r, cy + r)
                if shape.kind == "ellipse":
                    draw.ellipse(box, fill=shape.colour)
                else:
                    draw.rectangle(box, fill=shape.colour)
            for k, face in enumerate(faces):
                # Faces drift slowly so a detector sees them whole in every frame.
                fx = int((width - face_side) * (0.5 + 0.35 * np.sin(2 * np.pi * 0.1 * t[i] + k * 2.1)))
                fy = int((height * 0.55 - face_side) * (0.3 + (0.2 * k) % 0.6)) + int(height * 0.05)
                canvas.paste(face, (max(0, fx), max(0, fy)))
            frame = np.asarray(canvas).copy()
            # The caption and the word of the moment (one word per half second).
            region = frame[caption_top : caption_top + caption_rows]
            a = caption_a[:caption_rows]
            region[:] = (region * (1 - a) + caption_rgb[:caption_rows] * a).astype(np.uint8)
            word_rgb, word_a = word_layers[int(t[i] * 2) % len(word_layers)]
            rows = min(word_rgb.shape[0], height)
            top_row = int(height * 0.04)
            rows = min(rows, height - top_row)
            region = frame[top_row : top_row + rows]
            region[:] = (region * (1 - word_a[:rows]) + word_rgb[:rows] * word_a[:rows]).astype(np.uint8)
            frames[i] = frame
        ctx.step(1.0)
        audio = self._soundtrack(shapes, heights, fps, n)
        return RenderResult(frames=frames, audio=audio, sample_rate=SAMPLE_RATE, model_id=self.model_id)

    @staticmethod
    def bounce_frames(heights: np.ndarray) -> list[np.ndarray]:
        """Per shape, the frames where it touches the floor (a local maximum of its height)."""
        return [np.nonzero((h[1:-1] >= h[:-2]) & (h[1:-1] > h[2:]))[0] + 1 for h in heights]

    @classmethod
    def _soundtrack(cls, shapes: list[_Shape], heights: np.ndarray, fps: int, n: int) -> np.ndarray:
        """One voice per shape, pitch rising with height; a thump as a shape touches the floor."""
        total = int(n * SAMPLE_RATE / fps)
        frame_t = np.arange(n) / fps
        sample_t = np.arange(total) / SAMPLE_RATE
        out = np.zeros(total, np.float64)
        thump_len = SAMPLE_RATE // 12
        thump = np.exp(-np.arange(thump_len) / (SAMPLE_RATE / 40)) * np.sin(
            2 * np.pi * 90 * np.arange(thump_len) / SAMPLE_RATE
        )
        for k, shape in enumerate(shapes):
            h = np.interp(sample_t, frame_t, heights[k])
            freq = shape.tone_hz * (1.5 - 0.5 * h)
            phase = 2 * np.pi * np.cumsum(freq) / SAMPLE_RATE
            out += 0.08 * np.sin(phase)
        for floor in cls.bounce_frames(heights):
            for f in floor:
                start = int(f * SAMPLE_RATE / fps)
                length = min(thump_len, total - start)
                if length > 0:
                    out[start : start + length] += 0.6 * thump[:length]
        peak = float(np.abs(out).max()) or 1.0
        return (out / peak * 0.6).astype(np.float32)[None, :]
