"""The production face backend: SCRFD detection + ArcFace recognition, ONNX files
from a configured directory (`CAMEOS_INSIGHTFACE_DIR`), run with onnxruntime.

Expected files (insightface's `buffalo_l` pack names them this way):
a detector matching `det_*.onnx` or `scrfd*.onnx` (input `[1, 3, H, W]`,
nine outputs: scores, box distances and five-point distances for strides 8,
16 and 32, two anchors per position), and a recogniser matching
`w600k*.onnx`, `glint*.onnx` or `arcface*.onnx` (input `[1, 3, 112, 112]`,
output `[1, 512]`). Embeddings are L2-normalised and compared by cosine
distance (1 - cosine similarity).
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
from django.conf import settings
from PIL import Image

from cameos.faces.base import Face

# Where the five landmarks sit in ArcFace's 112×112 training crops.
ARCFACE_TEMPLATE = np.array(
    [[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366], [41.5493, 92.3655], [70.7299, 92.2041]],
    dtype=np.float32,
)
STRIDES = (8, 16, 32)
ANCHORS = 2
SCORE_THRESHOLD = 0.5
NMS_IOU = 0.4


def _find(directory: Path, patterns: tuple[str, ...]) -> Path:
    for pattern in patterns:
        found = sorted(directory.glob(pattern))
        if found:
            return found[0]
    raise FileNotFoundError(f"no {' or '.join(patterns)} in {directory}")


class InsightFaceBackend:
    name = "insightface"
    embedding_model = "arcface_512"
    dim = 512

    def __init__(self, model_dir: str | None) -> None:
        import onnxruntime as ort

        if not model_dir:
            raise ValueError("CAMEOS_INSIGHTFACE_DIR is not set")
        directory = Path(model_dir)
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        providers = ["CPUExecutionProvider"]
        self._det = ort.InferenceSession(
            str(_find(directory, ("det_*.onnx", "scrfd*.onnx"))), options, providers=providers
        )
        self._rec = ort.InferenceSession(
            str(_find(directory, ("w600k*.onnx", "glint*.onnx", "arcface*.onnx"))),
            options,
            providers=providers,
        )
        self._det_input = self._det.get_inputs()[0].name
        self._rec_input = self._rec.get_inputs()[0].name
        self.det_size = int(settings.CAMEOS_INSIGHTFACE_DET_SIZE)
        self.match_distance = float(settings.CAMEOS_ARCFACE_MATCH_DISTANCE)
        self._lock = threading.Lock()

    # --- detection ----------------------------------------------------------

    def detect(self, image: np.ndarray) -> list[Face]:
        image = _rgb(image)
        blob, scale = self._letterbox(image)
        with self._lock:
            outputs = self._det.run(None, {self._det_input: blob})
        size = blob.shape[2]
        boxes, scores, points = [], [], []
        for index, stride in enumerate(STRIDES):
            score = outputs[index].reshape(-1)
            dist = outputs[index + 3].reshape(-1, 4) * stride
            kps = outputs[index + 6].reshape(-1, 10) * stride
            cells = size // stride
            ys, xs = np.mgrid[:cells, :cells]
            centres = np.stack([xs, ys], axis=-1).reshape(-1, 2).astype(np.float32) * stride
            centres = np.repeat(centres, ANCHORS, axis=0)
            keep = np.where(score >= SCORE_THRESHOLD)[0]
            if not len(keep):
                continue
            c = centres[keep]
            d = dist[keep]
            boxes.append(
                np.stack([c[:, 0] - d[:, 0], c[:, 1] - d[:, 1], c[:, 0] + d[:, 2], c[:, 1] + d[:, 3]], axis=1)
            )
            scores.append(score[keep])
            k = kps[keep].reshape(-1, 5, 2)
            points.append(c[:, None, :] + k)
        if not boxes:
            return []
        all_boxes = np.concatenate(boxes) / scale
        all_scores = np.concatenate(scores)
        all_points = np.concatenate(points) / scale
        faces = [
            Face(
                box=(
                    float(all_boxes[i][0]),
                    float(all_boxes[i][1]),
                    float(all_boxes[i][2]),
                    float(all_boxes[i][3]),
                ),
                landmarks=all_points[i].astype(np.float32),
                score=float(all_scores[i]),
            )
            for i in _nms(all_boxes, all_scores, NMS_IOU)
        ]
        return sorted(faces, key=lambda f: f.area, reverse=True)

    def _letterbox(self, image: np.ndarray) -> tuple[np.ndarray, float]:
        """Resize keeping aspect into a det_size square (padding right/bottom), normalise to [-1, 1]."""
        h, w = image.shape[:2]
        scale = self.det_size / max(h, w)
        nh, nw = max(1, round(h * scale)), max(1, round(w * scale))
        resized = np.asarray(Image.fromarray(image).resize((nw, nh), Image.Resampling.BILINEAR))
        canvas = np.zeros((self.det_size, self.det_size, 3), dtype=np.float32)
        canvas[:nh, :nw] = resized
        blob = ((canvas - 127.5) / 128.0).transpose(2, 0, 1)[None].astype(np.float32)
        return blob, scale

    # --- recognition --------------------------------------------------------

    def align(self, image: np.ndarray, face: Face) -> np.ndarray:
        """The 112×112 crop ArcFace expects: a similarity transform of the five landmarks onto its template."""
        import cv2

        matrix = similarity_transform(np.asarray(face.landmarks, dtype=np.float64), ARCFACE_TEMPLATE)
        return cv2.warpAffine(_rgb(image), matrix, (112, 112), borderValue=0.0)

    def embed(self, image: np.ndarray, face: Face) -> np.ndarray:
        crop = self.align(image, face).astype(np.float32)
        blob = ((crop - 127.5) / 127.5).transpose(2, 0, 1)[None]
        with self._lock:
            vector = self._rec.run(None, {self._rec_input: blob})[0].reshape(-1)
        return (vector / max(float(np.linalg.norm(vector)), 1e-12)).astype(np.float32)

    def distance(self, a: np.ndarray, b: np.ndarray) -> float:
        a = np.asarray(a, dtype=np.float32)
        b = np.asarray(b, dtype=np.float32)
        return float(1.0 - np.dot(a, b) / max(float(np.linalg.norm(a) * np.linalg.norm(b)), 1e-12))


def similarity_transform(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Least-squares rotation + uniform scale + translation taking src points to dst (Umeyama), as 2×3."""
    src = np.asarray(src, dtype=np.float64)
    dst = np.asarray(dst, dtype=np.float64)
    mu_s, mu_d = src.mean(axis=0), dst.mean(axis=0)
    s, d = src - mu_s, dst - mu_d
    cov = d.T @ s / len(src)
    u, sigma, vt = np.linalg.svd(cov)
    sign = np.eye(2)
    if np.linalg.det(u) * np.linalg.det(vt) < 0:
        sign[1, 1] = -1
    rotation = u @ sign @ vt
    scale = np.trace(np.diag(sigma) @ sign) / max((s**2).sum() / len(src), 1e-12)
    translation = mu_d - scale * rotation @ mu_s
    return np.hstack([scale * rotation, translation[:, None]]).astype(np.float32)


def _nms(boxes: np.ndarray, scores: np.ndarray, threshold: float) -> list[int]:
    order = scores.argsort()[::-1]
    keep: list[int] = []
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    while len(order):
        i = int(order[0])
        keep.append(i)
        rest = order[1:]
        x0 = np.maximum(boxes[i, 0], boxes[rest, 0])
        y0 = np.maximum(boxes[i, 1], boxes[rest, 1])
        x1 = np.minimum(boxes[i, 2], boxes[rest, 2])
        y1 = np.minimum(boxes[i, 3], boxes[rest, 3])
        inter = np.clip(x1 - x0, 0, None) * np.clip(y1 - y0, 0, None)
        iou = inter / np.maximum(areas[i] + areas[rest] - inter, 1e-12)
        order = rest[iou <= threshold]
    return keep


def _rgb(image: np.ndarray) -> np.ndarray:
    image = np.asarray(image)
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        raise ValueError("expected an HxWx3 uint8 RGB image")
    return np.ascontiguousarray(image)
