"""Reads of the generation app; other apps read generation through here.

- `jobs`: `job_get` (a member's own job), `jobs_for_user`, `job_output` /
  `JobOutput` (a ready job's stored output), `job_media_names` (the stored
  file names of jobs, for the feed's media placement).

Output shaping lives in `generation.presenters`.
"""

from generation.selectors.jobs import (
    LIST_FIELDS,
    JobOutput,
    job_get,
    job_media_names,
    job_output,
    jobs_for_user,
    sql_tables,
)

__all__ = [
    "LIST_FIELDS",
    "JobOutput",
    "job_get",
    "job_media_names",
    "job_output",
    "jobs_for_user",
    "sql_tables",
]
