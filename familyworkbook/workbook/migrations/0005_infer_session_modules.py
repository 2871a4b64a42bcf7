"""Sessions recorded before the entry form asked for a module: infer it where the record allows.

Until now a session was tied to a module only if its author chose one, so a family's
programme progress (and the fidelity figures built on it) read zero for families whose
workers recorded sessions without one. This infers the module, for sessions (kind "session"
or "group") of the Family Safeguarding programme that have none, in two cases only:

- an adult specialist's session in their own chapter is work on the adult module their
  discipline delivers: domestic abuse (survivor or perpetrator work) is module 5
  "relationships", substance misuse recovery module 6 "substance-use", mental health and
  psychology module 7 "wellbeing";
- any other session whose tools all belong to exactly one module of the programme (for
  example "Network map" is only in module 8).

Everything else stays unassigned: the overview, the fidelity monitor and the evaluation
extract count those as "recorded without a module" and say so. No session is marked as
completing a module. Not reversible in detail (which rows were inferred is not kept), so the
reverse is a no-op.
"""

from __future__ import annotations

from django.db import migrations
from django.db.models import Q

PROGRAMME = "family-safeguarding"
SESSION_KINDS = ("session", "group")
CHAPTER_MODULE = {
    "da_survivor": "relationships",
    "da_perpetrator": "relationships",
    "substance_misuse": "substance-use",
    "mental_health": "wellbeing",
    "psychology": "wellbeing",
}
BATCH = 2000


def infer_modules(apps, schema_editor) -> None:
    Programme = apps.get_model("workbook", "Programme")
    Module = apps.get_model("workbook", "Module")
    Entry = apps.get_model("workbook", "Entry")
    programme = Programme.objects.filter(slug=PROGRAMME).order_by("-loaded_at", "-pk").first()
    if programme is None:
        return
    modules = {m.slug: m for m in Module.objects.filter(programme=programme)}
    # A session recorded under an earlier version keeps that version's module of the slug.
    by_version = {
        (m.programme_id, m.slug): m for m in Module.objects.filter(programme__slug=PROGRAMME)
    }
    owners: dict[str, set[str]] = {}
    for module in modules.values():
        for tool in module.tools or []:
            owners.setdefault(str(tool).strip().lower(), set()).add(module.slug)

    def module_for(chapter: str, tools: list) -> str | None:
        if chapter in CHAPTER_MODULE:
            return CHAPTER_MODULE[chapter]
        found: set[str] = set()
        for tool in tools or []:
            slugs = owners.get(str(tool).strip().lower())
            if slugs is None or len(slugs) > 1:
                return None  # a tool of no module, or of several, does not say which
            found |= slugs
        return found.pop() if len(found) == 1 else None

    candidates = Entry.objects.filter(
        module__isnull=True, kind__in=SESSION_KINDS, archived_at__isnull=True
    ).filter(Q(programme__isnull=True) | Q(programme__slug=PROGRAMME))
    changed = []
    fields = ["module", "programme", "programme_version"]
    for entry in candidates.only("pk", "chapter", "tools", "programme").iterator(chunk_size=BATCH):
        slug = module_for(entry.chapter, entry.tools)
        if slug not in modules:
            continue
        if entry.programme_id is not None and (entry.programme_id, slug) in by_version:
            entry.module = by_version[(entry.programme_id, slug)]
        else:
            entry.module = modules[slug]
            entry.programme = programme
            entry.programme_version = programme.version
        changed.append(entry)
        if len(changed) >= BATCH:
            Entry.objects.bulk_update(changed, fields)
            changed = []
    if changed:
        Entry.objects.bulk_update(changed, fields)


class Migration(migrations.Migration):
    dependencies = [
        ("workbook", "0004_encrypt_confidential_detail"),
    ]

    operations = [
        migrations.RunPython(infer_modules, migrations.RunPython.noop, elidable=True),
    ]
