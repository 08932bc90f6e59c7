"""Refresh crm_kbe/i18n/crm_kbe.pot from a database where crm_kbe is installed, and merge it into
every .po file (keeping their translations; new strings arrive untranslated).

    ~/.cache/crm_kbe/venv-py3.11/bin/python tools/update_i18n.py ~/.cache/crm_kbe/odoo-test.conf kbe_test
"""

import subprocess
import sys
from pathlib import Path

import polib

import odoo

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


if __name__ == "__main__":
    main(*sys.argv[1:3])
