"""Structural checks of the crm_kbe addon that ruff and pylint-odoo do not make.

- every XML file parses;
- every file the manifest lists exists, and every data/view/security XML file is listed;
- every model crm_kbe defines (``_name``) has a row in security/ir.model.access.csv;
- no raw SQL is built with an f-string inside ``SQL(...)``;
- every term of i18n/crm_kbe.pot has an Indonesian translation in i18n/id.po: not empty, and not
  the English left as it is (but for the few words Indonesian writes the same, SAME_IN_INDONESIAN).

Prints one line per problem and exits 1 when there is any.
"""

import ast
import csv
import re
import sys
from pathlib import Path

import polib
from lxml import etree

ADDON = Path(__file__).resolve().parent.parent / "crm_kbe"

# Terms Indonesian writes exactly as English; keep this list short, each with its reason.
SAME_IN_INDONESIAN = {
    "CRM",  # the app's name: CRM KBE
    "KBE",
    "ID",  # the record's technical number
    "SLA",  # the acronym Indonesian service desks use
    "WhatsApp",  # a brand
    "Status",  # KBBI: status
    "Portal",  # KBBI: portal
    "Alias",  # KBBI: alias (the e-mail alias)
    "Manual",  # KBBI: manual (assignment by hand)
    "Pipeline",  # Odoo's Indonesian CRM keeps "Pipeline"
    "Target",  # KBBI: target
    "Email",  # Odoo's Indonesian translation writes "Email"
    "Halal",  # KBBI: halal
    "Mailing",  # Odoo's Indonesian translation keeps "Mailing" (Email Marketing)
    "Telemarketing",  # the word Indonesian marketing uses
}


def _demo_only(entry):
    """A term found only on demo records (the KBE story's names, Indonesian already)."""
    return all(ref.startswith("model:") and ref.endswith("_demo") for ref, _line in entry.occurrences)


def check_translations(addon=ADDON):
    """Problems of i18n/id.po against i18n/crm_kbe.pot: a term missing, empty or left in English."""
    pot_path, po_path = addon / "i18n" / "crm_kbe.pot", addon / "i18n" / "id.po"
    if not (pot_path.is_file() and po_path.is_file()):
        return ["i18n/crm_kbe.pot and i18n/id.po are both required"]
    po = {(entry.msgctxt, entry.msgid): entry for entry in polib.pofile(str(po_path)) if not entry.obsolete}
    problems = []
    for term in polib.pofile(str(pot_path)):
        entry = po.get((term.msgctxt, term.msgid))
        text = re.sub(r"<[^>]*>|%\([a-z_]+\)[sd]", "", term.msgid)
        if not re.search(r"[^\W\d_]", text):
            continue  # no word to translate: markup, placeholders, numbers, signs
        words = set(re.findall(r"[^\W\d_]+", text))
        if entry is None or not entry.msgstr:
            problems.append(f"i18n/id.po: no Indonesian translation for {term.msgid!r}")
        elif entry.msgstr == term.msgid and not words <= SAME_IN_INDONESIAN and not _demo_only(term):
            problems.append(f"i18n/id.po: {term.msgid!r} is still English (or add it to SAME_IN_INDONESIAN)")
    return problems


def defined_models(addon):
    models = set()
    for path in addon.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.ClassDef):
                continue
            for stmt in node.body:
                if (
                    isinstance(stmt, ast.Assign)
                    and any(isinstance(t, ast.Name) and t.id == "_name" for t in stmt.targets)
                    and isinstance(stmt.value, ast.Constant)
                ):
                    models.add(stmt.value.value)
    return models


def check(addon=ADDON):
    problems = []
    for path in sorted(addon.rglob("*.xml")):
        try:
            etree.parse(str(path))
        except etree.XMLSyntaxError as exc:
            problems.append(f"{path.relative_to(addon)}: does not parse: {exc}")

    manifest = ast.literal_eval((addon / "__manifest__.py").read_text())
    listed = set(manifest.get("data", [])) | set(manifest.get("demo", []))
    for name in sorted(listed):
        if not (addon / name).is_file():
            problems.append(f"__manifest__.py lists {name}, which does not exist")
    for folder in ("data", "demo", "views", "security", "wizards", "report"):
        for path in sorted((addon / folder).glob("*.xml")) + sorted((addon / folder).glob("*.csv")):
            rel = str(path.relative_to(addon))
            if rel not in listed:
                problems.append(f"{rel} is not listed in __manifest__.py: Odoo never loads it")

    with open(addon / "security" / "ir.model.access.csv", newline="") as handle:
        covered = {row["model_id:id"].split(".")[-1] for row in csv.DictReader(handle)}
    for model in sorted(defined_models(addon)):
        if "model_" + model.replace(".", "_") not in covered:
            problems.append(f"model {model} has no access rights in security/ir.model.access.csv")

    problems += check_translations(addon)

    for path in sorted(addon.rglob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"\bSQL\(\s*f[\"']", line) or re.search(r"\.execute\(\s*f[\"']", line):
                problems.append(f"{path.relative_to(addon)}:{number}: SQL built with an f-string; use SQL() parameters")
    problems += check_sudo_reasons(addon)
    return problems


def check_sudo_reasons(addon=ADDON):
    """Every ``sudo()`` of the addon's code (tests aside) says why, in a comment on its line or
    the line above: a sudo grants rights, and the reader must see which and why."""
    problems = []
    for path in sorted(addon.rglob("*.py")):
        if "tests" in path.relative_to(addon).parts:
            continue
        previous = ""
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if ".sudo()" in line and "#" not in line and "#" not in previous:
                problems.append(f"{path.relative_to(addon)}:{number}: sudo() without a comment naming its reason")
            previous = line
    return problems


if __name__ == "__main__":
    found = check()
    for problem in found:
        print(problem)
    sys.exit(1 if found else 0)
