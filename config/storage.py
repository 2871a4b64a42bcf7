"""The static files storage of a production deployment (FWB_STATIC_COLLECTED=true).

WhiteNoise's CompressedManifestStaticFilesStorage: `collectstatic` copies every file under a
name carrying its content hash, rewrites the CSS `url()` references to those names, and writes
gzip and Brotli copies once, so WhiteNoise can serve them with a year's cache lifetime.

One change: the references to source maps are left alone. GOV.UK Frontend's minified CSS and
JavaScript end with a `sourceMappingURL` comment, but `make setup` copies the minified files
without their maps (no one debugs GOV.UK Frontend on a council's server), and Django's storage
refuses to collect a file whose reference it cannot resolve.
"""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


def _without_source_maps(patterns: tuple) -> tuple:
    kept = []
    for extension, rules in patterns:
        rules = tuple(
            rule
            for rule in rules
            if "sourceMappingURL" not in (rule[0] if isinstance(rule, tuple) else rule)
        )
        if rules:
            kept.append((extension, rules))
    return tuple(kept)


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    patterns = _without_source_maps(CompressedManifestStaticFilesStorage.patterns)
