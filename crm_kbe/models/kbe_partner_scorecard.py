import json

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, date_utils

SCORECARD_PERIODS = [("month", "Month"), ("quarter", "Quarter"), ("year", "Year")]
# the figures _kbe_refresh computes and upserts (a card whose figures did not change is not written)
SCORECARD_FIGURES = (
    "pipeline",
    "won_revenue",
    "won_count",
    "lost_count",
    "invoiced_revenue",
    "win_rate",
    "avg_deal",
    "registration_count",
    "ticket_count",
    "rating_avg",
    "certified_count",
    "mdf_spent",
    "mdf_return",
    "mdf_roi",
)


class KbePartnerScorecard(models.Model):
    """The performance of a channel partner over a month, quarter or year: one stored row per
    partner and period, rebuilt by ``_kbe_refresh`` (a cron for the current and previous month and
    quarter, or the "Refresh" wizard) from the opportunities, invoices and tickets of the deals the
    partner brought, in a constant number of queries whatever the number of partners."""

    _name = "kbe.partner.scorecard"
    _description = "Partner Scorecard"
    _order = "date_from desc, rank, id"

    # identity
    name = fields.Char(compute="_compute_name", store=True)
    partner_id = fields.Many2one(
        "res.partner", string="Channel Partner", required=True, index=True, readonly=True, ondelete="cascade"
    )
    partner_tier_id = fields.Many2one("kbe.partner.tier", string="Tier", readonly=True, index="btree_not_null")
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id", string="Currency")
    # period
    period_kind = fields.Selection(SCORECARD_PERIODS, string="Period", required=True, readonly=True)
    date_from = fields.Date(string="From", required=True, readonly=True)
    date_to = fields.Date(string="To", required=True, readonly=True)
    # figures
    rank = fields.Integer(readonly=True, aggregator="min", help="Rank of the partner by won revenue in the period.")
    pipeline = fields.Monetary(
        readonly=True, help="Expected revenue of the open opportunities the partner brought, created by the period end."
    )
    won_revenue = fields.Monetary(readonly=True, help="Expected revenue of the opportunities won in the period.")
    won_count = fields.Integer(string="Won", readonly=True)
    lost_count = fields.Integer(string="Lost", readonly=True)
    invoiced_revenue = fields.Monetary(
        readonly=True, help="Posted invoices minus credit notes of the period, untaxed, in the company currency."
    )
    win_rate = fields.Float(string="Win Rate (%)", readonly=True, aggregator="avg")
    avg_deal = fields.Monetary(string="Average Deal", readonly=True, aggregator="avg")
    registration_count = fields.Integer(string="Deal Registrations Accepted", readonly=True)
    ticket_count = fields.Integer(string="Customer Tickets", readonly=True)
    rating_avg = fields.Float(string="Customer Rating (%)", readonly=True, aggregator="avg")
    certified_count = fields.Integer(string="Certified People", readonly=True, aggregator="max")
    mdf_spent = fields.Monetary(string="MDF Spent", readonly=True)
    mdf_return = fields.Monetary(
        string="MDF Return Revenue", readonly=True, help="Revenue of the campaigns the funds paid for."
    )
    mdf_roi = fields.Float(
        string="MDF Return (x)",
        compute="_compute_mdf_roi",
        store=True,
        aggregator="avg",
        help="Return revenue / spent.",
    )

    _sql_constraints = [
        (
            "partner_period_uniq",
            "UNIQUE(partner_id, company_id, date_from, date_to)",
            "A partner has one scorecard per period.",
        ),
    ]

    # ------------------------------------------------------------
    # COMPUTES
    # ------------------------------------------------------------

    # on the partner, not its name (see kbe.partner.plan); a refresh writes the current name
    @api.depends("partner_id", "period_kind", "date_from")
    def _compute_name(self):
        # _kbe_upsert writes the same name in SQL
        for card in self:
            card.name = f"{card.partner_id.name or ''} — {card._kbe_period_label()}"

    def _kbe_period_label(self):
        self.ensure_one()
        return self._kbe_label_of(self.period_kind, self.date_from)

    @api.model
    def _kbe_label_of(self, period_kind, date_from):
        """ "Q3 2027", "2027" or "07/2027"."""
        if not date_from:
            return ""
        if period_kind == "year":
            return str(date_from.year)
        if period_kind == "quarter":
            return f"Q{date_utils.get_quarter_number(date_from)} {date_from.year}"
        return date_from.strftime("%m/%Y")

    # ------------------------------------------------------------
    # REFRESH
    # ------------------------------------------------------------

    @api.model
    def _kbe_refresh(self, date_from, date_to, partners=None, period_kind=None, company=None):
        """Build or update the scorecards of ``partners`` (default: every active channel partner)
        for the period, in ``company`` (default: the current one), then rank the period's cards by
        won revenue. A constant number of queries whatever the number of partners; a card whose
        figures did not change is not written."""
        if date_from > date_to:
            raise UserError(self.env._("The period of a scorecard ends after it starts."))
        company = company or self.env.company
        period_kind = period_kind or self._kbe_period_kind(date_from, date_to)
        if partners is None:
            partners = self.env["res.partner"].search(
                [("kbe_partner_status", "=", "active"), ("company_id", "in", (False, company.id))]
            )
        figures = self._kbe_figures(partners, date_from, date_to, company)
        self._kbe_upsert(figures, date_from, date_to, period_kind, company)
        self._kbe_rank(date_from, date_to, company)
        return self.search(
            [
                ("partner_id", "in", partners.ids),
                ("company_id", "=", company.id),
                ("date_from", "=", date_from),
                ("date_to", "=", date_to),
            ]
        )

    def _kbe_upsert(self, figures, date_from, date_to, period_kind, company):
        """Insert the cards of the period, or update those whose figures changed, in one query
        (``INSERT ... ON CONFLICT DO UPDATE ... WHERE ... IS DISTINCT FROM``): a card whose figures
        did not change keeps its write date. Its name and tier come from the partner."""
        if not figures:
            return
        self.env["res.partner"].flush_model(["name", "kbe_partner_tier_id"])
        self.flush_model()
        currency = company.currency_id
        rows = []
        for partner_id, values in figures.items():
            row = {"partner_id": partner_id}
            for fname in SCORECARD_FIGURES:
                value = values.get(fname) or 0
                if self._fields[fname].type == "monetary":
                    value = currency.round(value)
                row[fname] = float(value) if self._fields[fname].type != "integer" else int(value)
            rows.append(row)
        figure_columns = [SQL.identifier(fname) for fname in SCORECARD_FIGURES]
        written = [SQL.identifier(name) for name in ("name", "partner_tier_id", "period_kind", *SCORECARD_FIGURES)]
        record_type = SQL(", ").join(
            SQL("%s %s", SQL.identifier(fname), SQL(self._fields[fname].column_type[1]))
            for fname in ("partner_id", *SCORECARD_FIGURES)
        )
        now = self.env.cr.now()
        self.env.execute_query(
            SQL(
                """INSERT INTO kbe_partner_scorecard (partner_id, company_id, date_from, date_to, period_kind, name,
                                                      partner_tier_id, %(figure_columns)s,
                                                      create_uid, create_date, write_uid, write_date)
                   SELECT r.partner_id, %(company)s, %(date_from)s, %(date_to)s, %(period_kind)s,
                          p.name || ' — ' || %(label)s, p.kbe_partner_tier_id, %(figure_values)s,
                          %(uid)s, %(now)s, %(uid)s, %(now)s
                     FROM jsonb_to_recordset(%(rows)s::jsonb) AS r(%(record_type)s)
                     JOIN res_partner p ON p.id = r.partner_id
              ON CONFLICT (partner_id, company_id, date_from, date_to) DO UPDATE
                      SET %(assignments)s, write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
                    WHERE (%(current)s) IS DISTINCT FROM (%(new)s)""",
                figure_columns=SQL(", ").join(figure_columns),
                figure_values=SQL(", ").join(SQL("r.%s", column) for column in figure_columns),
                company=company.id,
                date_from=date_from,
                date_to=date_to,
                period_kind=period_kind,
                label=self._kbe_label_of(period_kind, date_from),
                uid=self.env.uid,
                now=now,
                rows=json.dumps(rows),
                record_type=record_type,
                assignments=SQL(", ").join(SQL("%s = EXCLUDED.%s", column, column) for column in written),
                current=SQL(", ").join(SQL("kbe_partner_scorecard.%s", column) for column in written),
                new=SQL(", ").join(SQL("EXCLUDED.%s", column) for column in written),
            )
        )
        self.invalidate_model()

    @api.model
    def _kbe_period_kind(self, date_from, date_to):
        for kind in ("month", "quarter", "year"):
            if date_utils.start_of(date_from, kind) == date_from and date_utils.end_of(date_from, kind) == date_to:
                return kind
        raise UserError(self.env._("A scorecard covers a calendar month, quarter or year."))

    def _kbe_rank(self, date_from, date_to, company):
        """Rank every card of the period by won revenue (one UPDATE, only the ranks that change)."""
        self.flush_model(["won_revenue", "rank"])
        self.env.execute_query(
            SQL(
                """UPDATE kbe_partner_scorecard card
                      SET rank = ranked.rank
                     FROM (SELECT id, RANK() OVER (ORDER BY won_revenue DESC) AS rank
                             FROM kbe_partner_scorecard
                            WHERE company_id = %(company)s AND date_from = %(from)s AND date_to = %(to)s) ranked
                    WHERE card.id = ranked.id AND card.rank IS DISTINCT FROM ranked.rank""",
                company=company.id,
                **{"from": date_from, "to": date_to},
            )
        )
        self.invalidate_model(["rank"])

    @api.model
    def _kbe_figures(self, partners, date_from, date_to, company):
        """{partner_id: {figure: value}} for the period: one query per source (opportunities,
        invoices, tickets) and one call per other area's figures."""
        figures = {partner_id: dict.fromkeys(SCORECARD_FIGURES, 0) for partner_id in partners.ids}
        if not partners:
            return figures
        args = (partners.ids, date_from, date_to, company)
        for partner_id, pipeline, won, won_count, lost_count in self._kbe_lead_rows(*args):
            figures[partner_id].update(
                {
                    "pipeline": pipeline,
                    "won_revenue": won,
                    "won_count": won_count,
                    "lost_count": lost_count,
                    "win_rate": won_count * 100.0 / (won_count + lost_count) if won_count + lost_count else 0.0,
                    "avg_deal": won / won_count if won_count else 0.0,
                }
            )
        for partner_id, amount in self._kbe_invoice_rows(*args):
            figures[partner_id]["invoiced_revenue"] = amount
        for partner_id, tickets, rating in self._kbe_ticket_rows(*args):
            figures[partner_id].update({"ticket_count": tickets, "rating_avg": rating})
        for partner_id, values in self._kbe_other_area_figures(partners, date_from, date_to).items():
            if partner_id in figures:
                figures[partner_id].update(values)
        for values in figures.values():
            values["mdf_roi"] = values["mdf_return"] / values["mdf_spent"] if values["mdf_spent"] else 0.0
        return figures

    def _kbe_lead_rows(self, partner_ids, date_from, date_to, company):
        """(partner, pipeline, won revenue, won count, lost count): the deals the partners brought,
        whoever may read them (figures only). Pipeline: open opportunities created by the end of the
        period; won and lost: closed in the period."""
        self.env["crm.lead"].flush_model(
            ["kbe_channel_partner_id", "expected_revenue", "probability", "active", "type", "date_closed", "company_id"]
        )
        end = date_to + relativedelta(days=1)
        closed = SQL("date_closed >= %s AND date_closed < %s", date_from, end)
        won = SQL("active AND probability >= 100 AND %s", closed)
        return self.env.execute_query(
            SQL(
                """SELECT kbe_channel_partner_id,
                          COALESCE(SUM(expected_revenue) FILTER (
                              WHERE active AND probability < 100 AND type = 'opportunity' AND create_date < %(end)s
                          ), 0),
                          COALESCE(SUM(expected_revenue) FILTER (WHERE %(won)s), 0),
                          COUNT(*) FILTER (WHERE %(won)s),
                          COUNT(*) FILTER (WHERE NOT active AND probability = 0 AND %(closed)s)
                     FROM crm_lead
                    WHERE kbe_channel_partner_id = ANY(%(partners)s)
                      AND (company_id = %(company)s OR company_id IS NULL)
                 GROUP BY kbe_channel_partner_id""",
                closed=closed,
                won=won,
                end=end,
                partners=partner_ids,
                company=company.id,
            )
        )

    def _kbe_invoice_rows(self, partner_ids, date_from, date_to, company):
        """(partner, posted invoices minus credit notes, untaxed, company currency) of the period."""
        groups = (
            self.env["account.move"]
            # sudo: totals of the invoices the partners brought, for the program manager's scorecard
            .sudo()
            ._read_group(
                [
                    ("kbe_channel_partner_id", "in", partner_ids),
                    ("company_id", "=", company.id),
                    ("state", "=", "posted"),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    ("invoice_date", ">=", date_from),
                    ("invoice_date", "<=", date_to),
                ],
                ["kbe_channel_partner_id"],
                ["amount_untaxed_signed:sum"],
            )
        )
        return [(partner.id, amount) for partner, amount in groups]

    def _kbe_ticket_rows(self, partner_ids, date_from, date_to, company):
        """(partner, tickets opened in the period, their customers' average rating in percent) of
        the customers (companies) of the deals the partners brought."""
        self.env["kbe.ticket"].flush_model(["commercial_partner_id", "company_id"])
        self.env["rating.rating"].flush_model(["res_model", "res_id", "rating", "consumed"])
        self.env["crm.lead"].flush_model(["kbe_channel_partner_id", "partner_id"])
        end = date_to + relativedelta(days=1)
        return self.env.execute_query(
            SQL(
                """WITH customer AS (
                       SELECT DISTINCT l.kbe_channel_partner_id AS partner_id, rp.commercial_partner_id
                         FROM crm_lead l
                         JOIN res_partner rp ON rp.id = l.partner_id
                        WHERE l.kbe_channel_partner_id = ANY(%(partners)s)
                   ),
                   ticket AS (
                       SELECT c.partner_id, t.id, t.create_date
                         FROM customer c
                         JOIN kbe_ticket t ON t.commercial_partner_id = c.commercial_partner_id
                        WHERE t.company_id = %(company)s
                   )
                   SELECT t.partner_id,
                          COUNT(DISTINCT t.id) FILTER (WHERE t.create_date >= %(start)s AND t.create_date < %(end)s),
                          COALESCE(AVG(r.rating) FILTER (
                              WHERE r.write_date >= %(start)s AND r.write_date < %(end)s
                          ) * 20, 0)
                     FROM ticket t
                LEFT JOIN rating_rating r ON r.res_model = 'kbe.ticket' AND r.res_id = t.id
                                         AND r.consumed AND r.rating >= 1
                 GROUP BY t.partner_id""",
                partners=partner_ids,
                company=company.id,
                start=date_from,
                end=end,
            )
        )

    @api.model
    def _kbe_other_area_figures(self, partners, date_from, date_to):
        """Figures other areas of the partner program compute, each in one batch call: accepted
        deal registrations, certified people, MDF spent and its return."""
        figures = {partner_id: {} for partner_id in partners.ids}
        counts = self.env["kbe.deal.registration"]._kbe_accepted_count_by_partner(partners.ids, date_from, date_to)
        for partner_id, count in counts.items():
            figures.setdefault(partner_id, {})["registration_count"] = count
        for partner_id, values in partners._kbe_partner_figures(date_from=date_from, date_to=date_to).items():
            figures.setdefault(partner_id, {})["certified_count"] = values.get("certified_count", 0)
        mdf = self.env["kbe.mdf.request"]._kbe_spent_and_return_by_partner(partners.ids, date_from, date_to)
        for partner_id, (spent, return_revenue) in mdf.items():
            figures.setdefault(partner_id, {}).update({"mdf_spent": spent, "mdf_return": return_revenue})
        return figures

    # ------------------------------------------------------------
    # CRON
    # ------------------------------------------------------------

    @api.model
    def _cron_kbe_refresh(self):
        """The current and previous month and quarter, in every company: re-running it changes
        nothing when the data did not change."""
        today = fields.Date.context_today(self)
        periods = []
        for kind, step in (("month", {"months": 1}), ("quarter", {"months": 3})):
            start = date_utils.start_of(today, kind)
            previous = start - relativedelta(**step)
            periods += [(kind, previous, start - relativedelta(days=1)), (kind, start, date_utils.end_of(start, kind))]
        companies = self.env["res.company"].search([])
        total = len(periods) * len(companies)
        done = 0
        for company in companies:
            for kind, date_from, date_to in periods:
                self.with_company(company)._kbe_refresh(date_from, date_to, period_kind=kind, company=company)
                done += 1
                self.env["ir.cron"]._notify_progress(done=done, remaining=total - done)
