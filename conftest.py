"""pytest settings shared by the addon's tests and the linters."""

import logging
from types import SimpleNamespace


class _NoTestFrameworkImportNoise(logging.Filter):
    """pytest-odoo imports odoo.tests before it switches Odoo to test mode, which makes Odoo log
    a misleading error (with a stack) at every run; the tests do run in test mode."""

    def filter(self, record):
        return "Importing test framework" not in record.getMessage()


logging.getLogger("odoo.tests.common").addFilter(_NoTestFrameworkImportNoise())


def pytest_collection_modifyitems(config, items):
    """Run the tests Odoo's own runner runs (``--test-enable``: the tests tagged "standard"),
    nothing more: Odoo's suites collected from its source tree keep their own selection."""
    from odoo.tests.tag_selector import TagsSelector  # imported late: Odoo is configured by now

    standard = TagsSelector("+standard")
    kept, dropped = [], []
    for item in items:
        cls = getattr(item, "cls", None)
        if cls is None or not hasattr(cls, "test_tags"):
            kept.append(item)
            continue
        probe = SimpleNamespace(
            test_tags=cls.test_tags, test_module=cls.test_module, test_class=cls.test_class, _testMethodName=item.name
        )
        (kept if standard.check(probe) else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
