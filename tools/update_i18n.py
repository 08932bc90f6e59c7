"""Refresh crm_kbe/i18n/crm_kbe.pot from a database where crm_kbe is installed, merge it into
every .po file (keeping their translations; new strings arrive untranslated), then check that
id.po translates every term (tools/check_addon.py's rule: not empty, not left in English).

    ~/.cache/crm_kbe/venv-py3.11/bin/python tools/update_i18n.py ~/.cache/crm_kbe/odoo-kbe_test-<hash>.conf kbe_test

Upgrade crm_kbe in that database first (``KBE_TEST_REUSE=1 ./kbe test <a test file>`` does), so
that the terms are those of the code. Exits 1, listing them, when a term still needs Indonesian.
"""

import subprocess
import sys
from pathlib import Path

import polib

import odoo

sys.path.insert(0, str(Path(__file__).resolve().parent))
import check_addon

I18N = Path(__file__).resolve().parent.parent / "crm_kbe" / "i18n"


def main(conf, dbname):
    odoo_bin = Path(odoo.__file__).resolve().parent.parent / "odoo-bin"
    pot_path = I18N / "crm_kbe.pot"
    subprocess.run(
        [
            sys.executable,
            str(odoo_bin),
            "-c",
            conf,
            "-d",
            dbname,
            f"--i18n-export={pot_path}",
            "--modules=crm_kbe",
            "--stop-after-init",
            "--log-level=warn",
        ],
        check=True,
    )
    pot = polib.pofile(str(pot_path))
    for po_path in sorted(I18N.glob("*.po")):
        po = polib.pofile(str(po_path))
        po.merge(pot)
        po.save(str(po_path))
        print(
            f"{po_path.name}: {po.percent_translated()}% translated, untranslated: "
            f"{[e.msgid for e in po.untranslated_entries()]}"
        )
    problems = check_addon.check_translations()
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
