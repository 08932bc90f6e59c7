"""pytest settings shared by the addon's tests and the linters."""

import logging


class _NoTestFrameworkImportNoise(logging.Filter):
    """pytest-odoo imports odoo.tests before it switches Odoo to test mode, which makes Odoo log
    a misleading error (with a stack) at every run; the tests do run in test mode."""

    def filter(self, record):
        return "Importing test framework" not in record.getMessage()


logging.getLogger("odoo.tests.common").addFilter(_NoTestFrameworkImportNoise())
