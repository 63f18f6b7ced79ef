"""The moderators' view of direct messages: none, on purpose.

Conversations are private. A moderator reaches a message only through a
report (moderation's case view renders the reported message and the few
around it, `messaging.subjects`), and acts on it through the case
(`content_actioned` → `receivers.on_content_actioned`); there is no browsable
list of threads or messages in the admin.
"""
