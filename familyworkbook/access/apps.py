from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "familyworkbook.access"
    label = "access"

    def ready(self) -> None:
        """Fill the registry every `visible_to(user)` reads (decision: access-policy-registry)."""
        from familyworkbook.access import policy
        from familyworkbook.core import scoping

        scoping.register("people.family", policy.families)
        scoping.register("people.person", policy.people)
        scoping.register("people.address", policy.addresses)
        scoping.register("people.registration", policy.protected_rows)
        scoping.register("cases.case", policy.cases)
        scoping.register_check(policy.NOTICE_PROTECTED, policy.may_be_told_of_protected)
        scoping.register_check(policy.SEE_WHO_HAS_SEEN, policy.may_see_who_has_seen)
        scoping.register_check(
            "prepare_subject_access",
            lambda user: policy.holds(user, policy.SUBJECT_ACCESS_PERMISSION),
        )
        scoping.register_hook("redacted_fields", policy.redacted_fields)
        scoping.register_hook("address_exposure", policy.address_exposure)
        scoping.register_hook("restricted_matches", policy.restricted_matches)

        # A scope's filter fixes "now" once per request (core.scoping.memoised): a grant or a
        # break-glass saved during the request must count at once, so saving one empties the memo.
        from django.db.models.signals import post_delete, post_save

        from familyworkbook.access.models import AccessGrant, BreakGlass

        for model in (AccessGrant, BreakGlass):
            for signal in (post_save, post_delete):
                signal.connect(
                    _forget_scopes, sender=model, dispatch_uid=f"fwb-forget-scopes-{model.__name__}"
                )

        from familyworkbook.access import sessions

        sessions.connect()

        from familyworkbook.access.admin_gate import gate_record_admins

        gate_record_admins()


def _forget_scopes(**_: object) -> None:
    from familyworkbook.core import scoping

    scoping.forget_scopes()
