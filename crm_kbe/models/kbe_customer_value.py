from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL, split_every

# the value tiers, from the R, F and M scores (see ``_kbe_tier_sql``): best first
VALUE_TIERS = [
    ("champion", "Champions"),
    ("loyal", "Loyal"),
    ("potential", "Potential Loyalists"),
    ("new", "New"),
    ("attention", "Need Attention"),
    ("at_risk", "At Risk"),
    ("lost", "Lost"),
]
# a customer whose first purchase is at most this old, and who has not bought often yet, is "new"
NEW_CUSTOMER_DAYS = 90
# what a customer's value is made of: posted customer invoices and credit notes (the partial
# index account_move_kbe_customer_value_idx, see account_move.py, holds exactly these)
CUSTOMER_MOVE_STATE = "posted"
CUSTOMER_MOVE_TYPES = ("out_invoice", "out_refund")
# the figures the upsert writes (a row whose figures did not change is not written)
FIGURE_COLUMNS = (
    "window_start",
    "first_invoice_date",
    "last_invoice_date",
    "recency_days",
    "invoice_count",
    "invoice_count_lifetime",
    "revenue",
    "revenue_lifetime",
    "average_order",
)
# the scores the whole-company upsert writes with the figures
SCORE_COLUMNS = ("r_score", "f_score", "m_score", "rfm_score", "value_tier")


class KbeCustomerValue(models.Model):
    """The value of a customer (a commercial partner) to one company, from its posted invoices
    and credit notes in the company's currency: recency, frequency and monetary value (RFM),
    scored 1 to 5 in quintiles over the company's customers, and a value tier. One row per
    customer and company, written by ``_kbe_recompute``: nightly, one company per batch, or on
    demand for a selection of customers. Never one query per invoice or per customer: the
    invoices are aggregated in the database.

    What the figures are made of (``_kbe_upsert``):

    - revenue is **untaxed**, ``amount_untaxed_signed``: in the company's currency whatever the
      invoice's currency (converted at the invoice's rate, as the accounting books it), negative
      for credit notes, so credit notes subtract; the taxes are the state's, not what the customer
      is worth to the company;
    - purchases are the invoices (``out_invoice``): first and last purchase, the counts; a credit
      note lowers the revenue but is no purchase;
    - dates are invoice dates; the window is the last ``kbe_value_window_months`` months of the
      company (Settings), up to today: ``window_start`` = today - months + 1 day;
    - a customer who never had a posted invoice in the company has no row (one whose invoices were
      all cancelled or reset to draft loses it at the next recompute);
    - average order: lifetime revenue / lifetime invoices;
    - a credit note counts on its own date (an invoice of last year credited this month lowers
      this month's window revenue).
    """

    _name = "kbe.customer.value"
    _description = "Customer Value"
    _order = "revenue_lifetime desc, id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one("res.company", required=True, ondelete="cascade", index=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    # figures
    first_invoice_date = fields.Date(string="First Purchase", readonly=True)
    last_invoice_date = fields.Date(string="Last Purchase", readonly=True)
    recency_days = fields.Integer(string="Days Since Last Purchase", readonly=True, aggregator="avg")
    invoice_count = fields.Integer(string="Invoices (Window)", readonly=True)
    invoice_count_lifetime = fields.Integer(string="Invoices (Lifetime)", readonly=True)
    revenue = fields.Monetary(string="Revenue (Window)", readonly=True)
    revenue_lifetime = fields.Monetary(string="Lifetime Revenue", readonly=True)
    average_order = fields.Monetary(readonly=True, aggregator="avg")
    # scores
    r_score = fields.Integer(string="R", readonly=True, aggregator="avg", help="Recency score, 1 to 5.")
    f_score = fields.Integer(string="F", readonly=True, aggregator="avg", help="Frequency score, 1 to 5.")
    m_score = fields.Integer(string="M", readonly=True, aggregator="avg", help="Monetary score, 1 to 5.")
    rfm_score = fields.Char(string="RFM", readonly=True, help="The three scores, e.g. 545.")
    value_tier = fields.Selection(VALUE_TIERS, readonly=True, index=True)
    window_start = fields.Date(readonly=True, help="Start of the window of the window figures.")
    date_computed = fields.Datetime(string="Computed On", readonly=True)

    _sql_constraints = [
        ("partner_company_uniq", "unique(partner_id, company_id)", "One customer value per customer and company."),
    ]

    # ------------------------------------------------------------
    # RECOMPUTE
    # ------------------------------------------------------------

    @api.model
    def _cron_kbe_recompute(self):
        """The scheduled job: every company, one batch per company (its customers' figures,
        scores and tiers in one statement), reporting its progress and committing after each
        company when it runs as the cron. Re-run, it gives the same rows (and writes none that did
        not change)."""
        # committing is for the cron's own transaction only, never in a test or a caller's transaction
        commit = bool(self.env.context.get("cron_id")) and not self.env.registry.in_test_mode()
        return self._kbe_recompute(companies=self.env["res.company"].search([]), commit=commit)

    @api.model
    def _kbe_recompute(self, partners=None, companies=None, batch_size=None, commit=False):
        """Recompute the customer value in ``companies`` (default: every company) of ``partners``
        (their commercial partners), or of every customer of the companies. Reads every posted
        customer invoice of these customers, whoever calls: callers check the user's rights on
        the partners first. The scores are quintiles over all the customers of each company:

        - every customer (``partners`` None): one statement per company computes the figures of
          all its customers, ranks them, and upserts figures, scores and tiers (``INSERT ... ON
          CONFLICT DO UPDATE``, only the rows that changed; the rows of customers without
          invoices deleted). After each company, the progress is reported to the cron
          (``ir.cron._notify_progress``, in companies) and, with ``commit``, committed: a
          company is never left half scored;
        - some customers (on demand): one upsert of their figures per ``batch_size`` customers
          (default: one batch), then one update scoring every stored customer of the companies,
          which writes only the scores that changed (theirs, and those of the customers their
          new figures move to another quintile).

        A constant number of queries whatever the number of customers."""
        if companies is None:
            companies = self.env["res.company"].search([])
        today = fields.Date.context_today(self)
        self._kbe_flush_sources()
        if partners is None:
            for done, company in enumerate(companies, 1):
                self._kbe_upsert(None, company, today, scored=True)
                self.env["ir.cron"]._notify_progress(done=done, remaining=len(companies) - done)
                if commit:
                    # the scheduled job keeps each company done: a crash or timeout later loses
                    # no work, and a re-run gives the same rows
                    self.env.cr.commit()  # pylint: disable=invalid-commit
        elif companies:
            partner_ids = self._kbe_commercial_ids(partners)
            for batch in split_every(batch_size or len(partner_ids) or 1, partner_ids, list):
                self._kbe_upsert(batch, companies, today)
            if partner_ids:
                self._kbe_score(companies, today)
        self.invalidate_model()

    def _kbe_flush_sources(self):
        """What the recompute's SQL reads, written to the database first."""
        self.env["account.move"].flush_model(
            ["state", "move_type", "company_id", "commercial_partner_id", "invoice_date", "amount_untaxed_signed"]
        )
        self.env["res.company"].flush_model(["kbe_value_window_months", "currency_id"])
        self.flush_model()

    @api.model
    def _kbe_customer_moves_sql(self, alias):
        """The condition on ``account_move`` (as ``alias``) of the moves a customer's value is made of."""
        return SQL(
            "%s = %s AND %s IN %s",
            SQL.identifier(alias, "state"),
            CUSTOMER_MOVE_STATE,
            SQL.identifier(alias, "move_type"),
            CUSTOMER_MOVE_TYPES,
        )

    @api.model
    def _kbe_commercial_ids(self, partners):
        """The commercial partners of ``partners``, sorted: one query however many they are."""
        if not partners:
            return []
        partners.flush_recordset(["commercial_partner_id"])
        rows = self.env.execute_query(
            SQL(
                "SELECT DISTINCT commercial_partner_id FROM res_partner WHERE id = ANY(%s) ORDER BY 1",
                partners.ids,
            )
        )
        return [partner_id for (partner_id,) in rows if partner_id]

    @api.model
    def _kbe_window_start(self, company, today):
        """First day of the company's window: its last ``kbe_value_window_months`` months up to today."""
        return today - relativedelta(months=company.kbe_value_window_months) + relativedelta(days=1)

    @api.model
    def _kbe_upsert(self, partner_ids, companies, today, scored=False):
        """Write the figures of the customers ``partner_ids`` (None: all) in ``companies``, in one
        statement: their posted invoices and credit notes aggregated in the database by customer
        and company, upserted (``INSERT ... ON CONFLICT DO UPDATE``, only the rows that changed),
        and the rows of those who no longer have any posted invoice deleted. ``scored`` (for all
        the companies' customers only): their scores and tiers too, ranked over these figures."""
        assert not scored or partner_ids is None, "scores are ranked over every customer of a company"
        windows = [(company.id, self._kbe_window_start(company, today)) for company in companies]
        only_batch = SQL() if partner_ids is None else SQL("AND m.commercial_partner_id = ANY(%s)", partner_ids)
        only_batch_rows = SQL() if partner_ids is None else SQL("AND v.partner_id = ANY(%s)", partner_ids)
        written = FIGURE_COLUMNS + (SCORE_COLUMNS if scored else ())
        if scored:
            scores = SQL(
                """SELECT ranks.*, ranks.r::text || ranks.f::text || ranks.m::text AS rfm_score, %(tier)s AS value_tier
                     FROM (SELECT ranks.*, %(r)s AS r, %(f)s AS f, %(m)s AS m FROM (%(ranks)s) ranks) ranks""",
                tier=self._kbe_tier_sql(today),
                r=self._kbe_quintile_sql(SQL("r_rank")),
                f=self._kbe_quintile_sql(SQL("f_rank")),
                m=self._kbe_quintile_sql(SQL("m_rank")),
                ranks=self._kbe_ranks_sql(SQL("figures")),
            )
            score_values = SQL(", s.r, s.f, s.m, s.rfm_score, s.value_tier")
        else:
            scores, score_values = SQL("SELECT * FROM figures"), SQL()
        self.env.execute_query(
            SQL(
                """
                WITH windows AS (
                    SELECT * FROM unnest(%(company_ids)s::int[], %(starts)s::date[]) AS w(company_id, window_start)
                ), figures AS (
                    SELECT m.commercial_partner_id AS partner_id,
                           m.company_id,
                           w.window_start,
                           MIN(m.invoice_date) FILTER (WHERE m.move_type = 'out_invoice') AS first_invoice_date,
                           MAX(m.invoice_date) FILTER (WHERE m.move_type = 'out_invoice') AS last_invoice_date,
                           COUNT(*) FILTER (WHERE m.move_type = 'out_invoice'
                                              AND m.invoice_date >= w.window_start) AS invoice_count,
                           COUNT(*) FILTER (WHERE m.move_type = 'out_invoice') AS invoice_count_lifetime,
                           COALESCE(SUM(m.amount_untaxed_signed) FILTER (WHERE m.invoice_date >= w.window_start),
                                    0) AS revenue,
                           COALESCE(SUM(m.amount_untaxed_signed), 0) AS revenue_lifetime
                      FROM account_move m
                      JOIN windows w ON w.company_id = m.company_id
                     WHERE %(customer_moves)s AND m.commercial_partner_id IS NOT NULL %(only_batch)s
                  GROUP BY m.commercial_partner_id, m.company_id, w.window_start
                    HAVING COUNT(*) FILTER (WHERE m.move_type = 'out_invoice') > 0
                ), removed AS (
                    DELETE FROM kbe_customer_value v
                     USING windows w
                     WHERE v.company_id = w.company_id %(only_batch_rows)s
                       AND NOT EXISTS (SELECT FROM figures f WHERE f.partner_id = v.partner_id
                                                               AND f.company_id = v.company_id)
                ), scores AS (
                    %(scores)s
                )
                INSERT INTO kbe_customer_value (partner_id, company_id, %(columns)s, date_computed,
                                                create_uid, create_date, write_uid, write_date)
                SELECT s.partner_id, s.company_id, s.window_start, s.first_invoice_date, s.last_invoice_date,
                       %(today)s::date - s.last_invoice_date, s.invoice_count, s.invoice_count_lifetime,
                       s.revenue, s.revenue_lifetime,
                       ROUND(s.revenue_lifetime / s.invoice_count_lifetime / currency.rounding) * currency.rounding
                       %(score_values)s,
                       %(now)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM scores s
                  JOIN res_company company ON company.id = s.company_id
                  JOIN res_currency currency ON currency.id = company.currency_id
           ON CONFLICT (partner_id, company_id) DO UPDATE
                   SET %(assignments)s, date_computed = EXCLUDED.date_computed,
                       write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
                 WHERE (%(current)s) IS DISTINCT FROM (%(new)s)
                """,
                company_ids=[company_id for company_id, _start in windows],
                starts=[start for _company_id, start in windows],
                customer_moves=self._kbe_customer_moves_sql("m"),
                only_batch=only_batch,
                only_batch_rows=only_batch_rows,
                scores=scores,
                score_values=score_values,
                columns=SQL(", ").join(SQL.identifier(column) for column in written),
                today=today,
                now=self.env.cr.now(),
                uid=self.env.uid,
                assignments=SQL(", ").join(
                    SQL("%s = EXCLUDED.%s", SQL.identifier(column), SQL.identifier(column)) for column in written
                ),
                current=SQL(", ").join(SQL("kbe_customer_value.%s", SQL.identifier(column)) for column in written),
                new=SQL(", ").join(SQL("EXCLUDED.%s", SQL.identifier(column)) for column in written),
            )
        )

    @api.model
    def _kbe_score(self, companies, today):
        """Score every stored customer of ``companies`` in one UPDATE (only the rows whose scores
        change): R, F and M are quintiles (``NTILE(5)``) over the company's customers of the last
        purchase date (more recent: higher), the invoices in the window and the revenue in the
        window (more: higher). Customers with the same value share a score, the one NTILE gives
        the first of them (NTILE alone would split a tie between two scores by id): the quintile
        of a customer's RANK(), one sort per score (``_kbe_quintile_sql``)."""
        self.env.execute_query(
            SQL(
                """
                WITH ranks AS (
                    %(ranks)s
                ), scores AS (
                    SELECT id, invoice_count, first_invoice_date,
                           %(r)s AS r, %(f)s AS f, %(m)s AS m
                      FROM ranks
                ), tiers AS (
                    SELECT id, r, f, m, r::text || f::text || m::text AS rfm, %(tier)s AS tier
                      FROM scores
                )
                UPDATE kbe_customer_value v
                   SET r_score = t.r, f_score = t.f, m_score = t.m, rfm_score = t.rfm, value_tier = t.tier,
                       write_uid = %(uid)s, write_date = %(now)s
                  FROM tiers t
                 WHERE v.id = t.id
                   AND (v.r_score, v.f_score, v.m_score, v.rfm_score, v.value_tier)
                       IS DISTINCT FROM (t.r, t.f, t.m, t.rfm, t.tier)
                """,
                ranks=self._kbe_ranks_sql(
                    SQL("(SELECT * FROM kbe_customer_value WHERE company_id = ANY(%s))", companies.ids)
                ),
                r=self._kbe_quintile_sql(SQL("r_rank")),
                f=self._kbe_quintile_sql(SQL("f_rank")),
                m=self._kbe_quintile_sql(SQL("m_rank")),
                tier=self._kbe_tier_sql(today),
                uid=self.env.uid,
                now=self.env.cr.now(),
            )
        )

    @api.model
    def _kbe_ranks_sql(self, customers):
        """``customers`` (customers' figures) with each one's rank in its company by last purchase,
        invoices in the window and revenue in the window (ties share the first rank), and the
        number ``n`` of the company's customers: what the quintiles are cut from."""
        return SQL(
            """SELECT customer.*,
                      RANK() OVER (PARTITION BY customer.company_id ORDER BY customer.last_invoice_date) AS r_rank,
                      RANK() OVER (PARTITION BY customer.company_id ORDER BY customer.invoice_count) AS f_rank,
                      RANK() OVER (PARTITION BY customer.company_id ORDER BY customer.revenue) AS m_rank,
                      COUNT(*) OVER (PARTITION BY customer.company_id) AS n
                 FROM %s customer""",
            customers,
        )

    @api.model
    def _kbe_quintile_sql(self, rank):
        """``NTILE(5)`` of the row at position ``rank`` among ``n`` rows, as PostgreSQL cuts them:
        the first mod(n, 5) quintiles have n / 5 + 1 rows, the others n / 5."""
        return SQL(
            """(CASE WHEN %(p)s <= mod(n, 5) * (n / 5 + 1) THEN (%(p)s - 1) / (n / 5 + 1) + 1
                    ELSE mod(n, 5) + (%(p)s - 1 - mod(n, 5) * (n / 5 + 1)) / (n / 5) + 1 END)::int""",
            p=rank,
        )

    @api.model
    def _kbe_tier_sql(self, today):
        """The value tier of a scored customer (columns r, f, m, invoice_count, first_invoice_date),
        the first rule that matches:

        1. lost: no purchase in the window;
        2. new: first purchase in the last ``NEW_CUSTOMER_DAYS`` days, and F <= 2;
        3. champion: R >= 4, F >= 4 and M >= 4;
        4. lost: R = 1 and F <= 2 (among the least recent fifth, and seldom bought);
        5. at_risk: R <= 2 and F >= 3 (used to buy often, not lately);
        6. loyal: F >= 4;
        7. potential: R >= 4 (bought lately, not often yet);
        8. attention: the others (middling recency, not frequent).
        """
        return SQL(
            """CASE WHEN invoice_count = 0 THEN 'lost'
                    WHEN first_invoice_date >= %(new_since)s AND f <= 2 THEN 'new'
                    WHEN r >= 4 AND f >= 4 AND m >= 4 THEN 'champion'
                    WHEN r = 1 AND f <= 2 THEN 'lost'
                    WHEN r <= 2 AND f >= 3 THEN 'at_risk'
                    WHEN f >= 4 THEN 'loyal'
                    WHEN r >= 4 THEN 'potential'
                    ELSE 'attention' END""",
            new_since=today - relativedelta(days=NEW_CUSTOMER_DAYS),
        )
