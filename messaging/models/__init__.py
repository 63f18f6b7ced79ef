"""Models of the messaging app."""

from messaging.models.threads import Message, Thread, ThreadMember, pair_key

__all__ = ["Message", "Thread", "ThreadMember", "pair_key"]
