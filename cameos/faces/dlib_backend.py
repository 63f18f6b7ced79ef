"""The default face backend: dlib's HOG detector, 68-point shape predictor and
ResNet descriptor, with weights shipped in `face-recognition-models` (offline).

Descriptors are 128-d and compared by Euclidean distance. dlib's authors put
the same-person boundary at 0.6 on LFW; our threshold is tighter, from the
distances measured on the shipped photos (docs/CAMEOS.md).
"""

from __future__ import annotations

import threading
import warnings

import numpy as np
from django.conf import settings

from cameos.faces.base import Face

# 68-point indices: eyes 36-41 / 42-47, nose tip 30, mouth corners 48 / 54.
_LEFT_EYE = slice(36, 42)
_RIGHT_EYE = slice(42, 48)


class DlibBackend:
    name = "dlib"
    embedding_model = "dlib_128"
    dim = 128

    def __init__(self) -> None:
        import dlib

        with warnings.catch_warnings():
            # face_recognition_models still imports pkg_resources.
            warnings.simplefilter("ignore")
            import face_recognition_models as weights

        self._dlib = dlib
        self._detector = dlib.get_frontal_face_detector()
        self._shape = dlib.shape_predictor(weights.pose_predictor_model_location())
        self._encoder = dlib.face_recognition_model_v1(weights.face_recognition_model_location())
        self.match_distance = float(settings.CAMEOS_DLIB_MATCH_DISTANCE)
        self.upsample = int(settings.CAMEOS_DLIB_UPSAMPLE)
        # dlib objects are not documented as thread-safe; the in-process worker runs threads.
        self._lock = threading.Lock()

    def detect(self, image: np.ndarray) -> list[Face]:
        image = _rgb(image)
        with self._lock:
            found = self._detector.run(image, self.upsample, 0.0)
            faces = []
            for rect, score, _ in zip(*found, strict=True):
                shape = self._shape(image, rect)
                points = np.array([(p.x, p.y) for p in shape.parts()], dtype=np.float32)
                five = np.stack(
                    [
                        points[_LEFT_EYE].mean(axis=0),
                        points[_RIGHT_EYE].mean(axis=0),
                        points[30],
                        points[48],
                        points[54],
                    ]
                )
                faces.append(
                    Face(
                        box=(
                            float(rect.left()),
                            float(rect.top()),
                            float(rect.right()),
                            float(rect.bottom()),
                        ),
                        landmarks=five,
                        score=float(score),
                        native=shape,
                    )
                )
        return sorted(faces, key=lambda f: f.area, reverse=True)

    def align(self, image: np.ndarray, face: Face) -> np.ndarray:
        with self._lock:
            return np.asarray(self._dlib.get_face_chip(_rgb(image), self._shape_of(image, face), size=150))

    def embed(self, image: np.ndarray, face: Face) -> np.ndarray:
        with self._lock:
            vector = self._encoder.compute_face_descriptor(_rgb(image), self._shape_of(image, face))
        return np.asarray(vector, dtype=np.float32)

    def distance(self, a: np.ndarray, b: np.ndarray) -> float:
        return float(np.linalg.norm(np.asarray(a, dtype=np.float32) - np.asarray(b, dtype=np.float32)))

    def _shape_of(self, image: np.ndarray, face: Face) -> object:
        if face.native is not None:
            return face.native
        x0, y0, x1, y1 = (round(v) for v in face.box)
        return self._shape(_rgb(image), self._dlib.rectangle(x0, y0, x1, y1))


def _rgb(image: np.ndarray) -> np.ndarray:
    image = np.asarray(image)
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        raise ValueError("expected an HxWx3 uint8 RGB image")
    return np.ascontiguousarray(image)
