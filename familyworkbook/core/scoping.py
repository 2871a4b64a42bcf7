"""Where `visible_to(user)` QuerySet methods find the access policy, without importing it.

Models sit to the left of `access` in the dependency line, so they cannot import the policy.
Instead each `visible_to` asks this registry, which the `access` app fills in its
`AppConfig.ready()`. A model with no registered policy is visible to nobody: deny by default
(decision: access-policy-registry).
"""

from __future__ import annotations

import contextvars
from collections import Counter
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

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


# --- Each scope built once per request ----------------------------------------------------------
#
# A page asks for the same scope many times (the family page: the family, its members, its
# cases, their addresses, the nav's counts), and each ask rebuilt the policy's nested
# subqueries. `ScopeMemoMiddleware` opens a memo for the request; the policy keeps in it the
# filter it built for a (user, model, action), and every later ask in the same request gets
# that filter back. The memo holds filters (subqueries), never answers: a change to teams,
# cases, allocations or restrictions still shows on the very next query. What a filter fixes
# is "now" (grants and break-glass in force): the request is the clock tick, so "now" is read
# once per request; saving or deleting a grant or a break-glass empties the memo (access/apps.py),
# so one given during the request counts at once. Outside a request (commands, jobs, tests
# calling the policy directly) there is no memo and each ask builds afresh.
# Decision: access-policy-per-request.

_memo: contextvars.ContextVar[dict[Hashable, Any] | None] = contextvars.ContextVar(
    "fwb_scope_memo", default=None
)


@dataclass
class Evaluations:
    """How many scopes were built and how many served from the request's memo, by key
    ((user id, model, action)). Read by tests and benchmarks (`count_evaluations`)."""

    built: Counter[Hashable] = field(default_factory=Counter)
    served: Counter[Hashable] = field(default_factory=Counter)


_evaluations: contextvars.ContextVar[Evaluations | None] = contextvars.ContextVar(
    "fwb_scope_evaluations", default=None
)


@contextmanager
def count_evaluations() -> Iterator[Evaluations]:
    """Count the policy's scope builds (and memo hits) inside the block."""
    evaluations = Evaluations()
    token = _evaluations.set(evaluations)
    try:
        yield evaluations
    finally:
        _evaluations.reset(token)


def memoised(user: Any, model_label: str, action: str, build: Callable[[], Any]) -> Any:
    """The filter `build()` makes for this user, model and action: built once per request."""
    key = (getattr(user, "pk", None), model_label, action)
    memo = _memo.get()
    evaluations = _evaluations.get()
    if memo is not None and key in memo:
        if evaluations is not None:
            evaluations.served[key] += 1
        return memo[key]
    value = build()
    if evaluations is not None:
        evaluations.built[key] += 1
    if memo is not None:
        memo[key] = value
    return value


def forget_scopes(user: Any = None) -> None:
    """Empty the request's memo (of one user's scopes, or of all)."""
    memo = _memo.get()
    if memo is None:
        return
    if user is None:
        memo.clear()
        return
    for key in [k for k in memo if isinstance(k, tuple) and k[0] == getattr(user, "pk", None)]:
        del memo[key]


@contextmanager
def request_memo() -> Iterator[None]:
    """A memo of built scopes for the block (one request; a job may open one per unit)."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


class ScopeMemoMiddleware:
    """Opens the memo of built scopes for each request (see `memoised`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_memo():
            return self.get_response(request)
