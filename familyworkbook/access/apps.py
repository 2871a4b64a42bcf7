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

        from familyworkbook.access import sessions

        sessions.connect()

        from familyworkbook.access.admin_gate import gate_record_admins

        gate_record_admins()
