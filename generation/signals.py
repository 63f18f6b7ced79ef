"""The generation app's one domain signal, for apps to its right (feed).

`generation_finished(sender=GenerationJob, job_id: int, user_id: int, state: str)`
is sent after the transaction that ended a job commits, once per job. With
`state == "ready"` the job's output is a draft its owner may publish
(`generation.selectors.job_output(job_id=...)` gives the video, poster,
cameo ids and embedding).
"""

from django.dispatch import Signal

generation_finished = Signal()
