"""Where `visible_to(user)` QuerySet methods find the access policy, without importing it.

Models sit to the left of `access` in the dependency line, so they cannot import the policy.
Instead each `visible_to` asks this registry, which the `access` app fills in its
`AppConfig.ready()`. A model with no registered policy is visible to nobody: deny by default
(decision: access-policy-registry).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

ScopeFn = Callable[[QuerySet, Any], QuerySet]

_policies: dict[str, ScopeFn] = {}


def register(model_label: str, scope: ScopeFn) -> None:
    """Name the function that narrows a QuerySet of `model_label` ("app.model") to what a user may see."""
    _policies[model_label.lower()] = scope


_checks: dict[str, Callable[[Any], bool]] = {}


def register_check(name: str, check: Callable[[Any], bool]) -> None:
    """Name a yes/no question about a user that pages ask (e.g. "sees who has seen")."""
    _checks[name] = check


def allows(user: Any, name: str) -> bool:
    """The answer to a registered question; no answer (or signed out) is no."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    check = _checks.get(name)
    return bool(check and check(user))


_hooks: dict[str, Callable[..., Any]] = {}


def register_hook(name: str, fn: Callable[..., Any]) -> None:
    """Name a policy function that apps to the left of `access` call by name."""
    _hooks[name] = fn


def hook(name: str, *args: Any, default: Any = None, **kwargs: Any) -> Any:
    """Call a registered policy function; `default` when none is registered."""
    fn = _hooks.get(name)
    return default if fn is None else fn(*args, **kwargs)


def redacted_fields(instance: Any) -> list[str]:
    """Fields of `instance` the protection rules hide (for audit detail): never in clear."""
    return list(hook("redacted_fields", instance, default=[]))


def registered() -> frozenset[str]:
    return frozenset(_policies)


def scope(queryset: QuerySet, user: Any) -> QuerySet:
    """`queryset` narrowed to what `user` may see: empty when signed out or no policy is known."""
    if user is None or not getattr(user, "is_authenticated", False):
        return queryset.none()
    policy = _policies.get(queryset.model._meta.label_lower)
    if policy is None:
        return queryset.none()
    return policy(queryset, user)


def get_for(
    user: Any,
    queryset: QuerySet,
    pk: Any,
    *,
    audit_read: bool = False,
    label: Callable[[Any], str] | None = None,
    request: Any = None,
) -> Any:
    """The record `pk` from `queryset` (already narrowed by `visible_to(user)`), or Http404.

    Not allowed and not found give the same 404; a refusal of a record that exists is
    written to the audit trail (who tried, which record). With `audit_read`, a successful
    read is audited too: every read of a person's or family's record is evidence.
    """
    from django.http import Http404

    from familyworkbook import audit
    from familyworkbook.core.fields import usable_key

    model = queryset.model
    if not usable_key(model, pk):  # "abc", 2**70 or a NUL: no record has that key
        raise Http404
    try:
        record = queryset.get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        if (
            getattr(user, "is_authenticated", False)
            and model._default_manager.filter(pk=pk).exists()
        ):
            audit.record(
                actor=user,
                verb=audit.Verb.ACCESS_DENIED,
                target_type=model._meta.label_lower,
                target_id=pk,
                request=request,
            )
        raise Http404 from None
    if audit_read:
        audit.record(
            actor=user,
            verb=audit.Verb.VIEWED,
            target=record,
            label=label(record) if label else "",
            request=request,
        )
    return record
