"""Accounts: members, sign-in, profiles; later invites, waitlist, follows, blocks, parental links."""
