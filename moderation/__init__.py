"""Moderation: classifiers, policies, blocklists, rights-holder registry, reports, cases, actions, strikes, appeals.

May import: accounts. Acts on higher apps only through documented domain signals."""
