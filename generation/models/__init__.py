"""Models of the generation app: jobs, their uploaded inputs and their output embeddings."""

from generation.models.jobs import EMBEDDING_DIM, GenerationJob, OutputFrameEmbedding
from generation.models.uploads import ImageUpload

__all__ = ["EMBEDDING_DIM", "GenerationJob", "ImageUpload", "OutputFrameEmbedding"]
