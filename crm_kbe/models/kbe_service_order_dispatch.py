"""The technicians' dispatch board: service orders by technician and day, the unassigned ones
beside them, and the conflicts a dispatcher must see before a technician drives out — two orders at
once, or an order outside the technician's working hours.

A technician's working hours are those of their resource (Odoo's ``resource.resource`` of the
user, with its time off) in the order's company; a technician without one works the hours of their
first service team, else the company's."""

import math
from collections import defaultdict
from datetime import datetime, timedelta, timezone

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from .kbe_service_order import MAX_HOURS

# the longest period the board shows at once (a month and a week, for a month view's edges)
MAX_BOARD_DAYS = 42


class KbeServiceOrder(models.Model):
    _inherit = "kbe.service.order"

    dispatch_conflict = fields.Char(
        "Conflict",
        compute="_compute_dispatch_conflict",
        help="Why this planned visit cannot happen as planned: another order of the technician at "
        "the same time, or a time outside the technician's working hours.",
    )

    def _auto_init(self):
        res = super()._auto_init()
        # the board and the overlap check look orders up by technician and time
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS kbe_service_order_user_date_planned_index "
            "ON kbe_service_order (user_id, date_planned) WHERE state != 'cancel'"
        )
        return res

    @api.depends("user_id", "date_planned", "duration", "state", "company_id")
    def _compute_dispatch_conflict(self):
        conflicts = self._kbe_dispatch_conflicts()
        labels = self._kbe_conflict_labels()
        for order in self:
            order.dispatch_conflict = ", ".join(labels[key] for key in conflicts.get(order.id, ()))

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        self.invalidate_model(["dispatch_conflict"])
        return orders

    def write(self, vals):
        result = super().write(vals)
        if vals.keys() & {"user_id", "date_planned", "duration", "state", "company_id"}:
            # a conflict is between orders: every order's may change with this one
            self.invalidate_model(["dispatch_conflict"])
        return result

    @api.constrains("user_id", "company_id")
    def _check_technician(self):
        for order in self.filtered("user_id"):
            if order.user_id.share or order.company_id not in order.user_id.company_ids:
                raise ValidationError(
                    self.env._(
                        "%(user)s cannot do service order %(order)s: a technician is an employee of %(company)s.",
                        user=order.user_id.name,
                        order=order.number,
                        company=order.company_id.name,
                    )
                )

    # ------------------------------------------------------------------ conflicts

    @api.model
    def _kbe_conflict_labels(self):
        """{conflict key: what the dispatcher reads}, in the user's language."""
        return {
            "overlap": self.env._("Overlaps another order"),
            "outside_hours": self.env._("Outside working hours"),
        }

    def _kbe_dispatch_conflicts(self):
        """{order id: [conflict keys]} of these orders (planned or in progress, with a
        technician): "overlap" when another order of the technician, whoever may read it, is at the
        same time; "outside_hours" when part of the order falls outside the technician's working
        hours. A fixed number of queries whatever the number of orders."""
        orders = self.filtered(
            lambda o: o.id and o.user_id and o.state in ("planned", "in_progress") and o.date_planned
        )
        if not orders:
            return {}
        self.flush_model(["user_id", "date_planned", "date_planned_end", "state"])
        result = defaultdict(list)
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT mine.id
                  FROM kbe_service_order mine
                  JOIN kbe_service_order other
                    ON other.user_id = mine.user_id
                   AND other.id != mine.id
                   AND other.state != 'cancel'
                   AND other.date_planned < mine.date_planned_end
                   AND other.date_planned_end > mine.date_planned
                   -- no order lasts longer than MAX_HOURS: the index needs no look further back
                   AND other.date_planned > mine.date_planned - %s * interval '1 hour'
                 WHERE mine.id IN %s
                """,
                MAX_HOURS,
                tuple(orders.ids),
            )
        )
        for (order_id,) in self.env.cr.fetchall():
            result[order_id].append("overlap")
        start = min(orders.mapped("date_planned"))
        stop = max(orders.mapped("date_planned_end"))
        hours = self._kbe_working_hours(orders.user_id, start, stop)
        for order in orders:
            if order.date_planned_end > order.date_planned and not _covered(
                hours.get(order.user_id.id, []), order.date_planned, order.date_planned_end
            ):
                result[order.id].append("outside_hours")
        return dict(result)

    @api.model
    def _kbe_working_hours(self, users, start, stop):
        """{user id: [(start, stop)]} — the naive UTC intervals, sorted, in which each of ``users``
        works between ``start`` and ``stop`` (naive UTC): their resource's hours and time off in
        the current company, else their first service team's hours, else the company's. One
        search per kind of source and one per calendar."""
        start = fields.Datetime.to_datetime(start).replace(tzinfo=None)
        stop = fields.Datetime.to_datetime(stop).replace(tzinfo=None)
        company = self.env.company
        # sudo: working hours are read for planning (a technician's resource, team and calendar
        # are not secrets to the dispatcher); only these users' are read, and only their hours leave
        env = self.sudo().env
        resources = env["resource.resource"].search(
            [("user_id", "in", users.ids), ("company_id", "in", [company.id, False])]
        )
        resource_of = {}
        for resource in resources.sorted(lambda r: not r.company_id):
            resource_of.setdefault(resource.user_id.id, resource)
        teams = env["kbe.service.team"].search([("member_ids", "in", users.ids), ("company_id", "=", company.id)])
        team_calendar = {}
        for team in teams:
            for member in team.member_ids:
                team_calendar.setdefault(member.id, team.resource_calendar_id)
        by_calendar = defaultdict(lambda: [env["resource.resource"], []])
        for user in users:
            resource = resource_of.get(user.id)
            if resource and resource.calendar_id:
                by_calendar[resource.calendar_id][0] |= resource
            else:
                calendar = team_calendar.get(user.id) or company.resource_calendar_id
                if calendar:
                    by_calendar[calendar][1].append(user.id)
        aware_start, aware_stop = start.replace(tzinfo=_UTC), stop.replace(tzinfo=_UTC)
        result = {}
        for calendar, (calendar_resources, user_ids) in by_calendar.items():
            intervals = calendar.with_env(env)._work_intervals_batch(
                aware_start, aware_stop, resources=calendar_resources
            )
            for resource in calendar_resources:
                result[resource.user_id.id] = _naive(intervals[resource.id])
            for user_id in user_ids:
                result[user_id] = _naive(intervals[False])
        return result

    # ------------------------------------------------------------------ the board

    @api.model
    def kbe_dispatch_board(self, start, stop, team_id=False):
        """What the dispatch board shows between ``start`` and ``stop`` (UTC, "YYYY-MM-DD
        HH:MM:SS"): the technicians (members of the service team ``team_id``, or of every team the
        user may read, and whoever has an order then) with their working hours, the orders the user
        may read in that period, and the planned orders nobody does yet. Conflicts are on each
        order. A fixed number of queries whatever the number of orders."""
        try:
            start, stop = fields.Datetime.to_datetime(start), fields.Datetime.to_datetime(stop)
        except (TypeError, ValueError):
            start = stop = None
        if not isinstance(start, datetime) or not isinstance(stop, datetime) or not start < stop:
            raise UserError(self.env._("The dispatch board needs a period: a start before its end."))
        if stop - start > timedelta(days=MAX_BOARD_DAYS):
            raise UserError(self.env._("The dispatch board shows at most %(days)s days.", days=MAX_BOARD_DAYS))
        teams = self.env["kbe.service.team"].search([])
        if team_id:
            if not isinstance(team_id, int) or team_id not in teams.ids:
                raise UserError(self.env._("Choose one of your service teams."))
            teams = teams.browse(team_id)
        domain = [
            ("date_planned", "<", fields.Datetime.to_string(stop)),
            ("date_planned_end", ">", fields.Datetime.to_string(start)),
            ("state", "!=", "cancel"),
            ("user_id", "!=", False),
        ]
        if team_id:
            domain += ["|", ("team_id", "=", team_id), ("user_id", "in", teams.member_ids.ids)]
        orders = self.search(domain, order="date_planned, id")
        unassigned_domain = [("user_id", "=", False), ("state", "=", "planned")]
        if team_id:
            unassigned_domain += ["|", ("team_id", "=", team_id), ("team_id", "=", False)]
        unassigned = self.search(unassigned_domain, order="date_planned, id", limit=80)
        technicians = (teams.member_ids | orders.user_id).filtered(lambda u: not u.share).sorted("name")
        conflicts = (orders | unassigned)._kbe_dispatch_conflicts()
        hours = self._kbe_working_hours(technicians, start, stop)

        def values(order):
            return {
                "id": order.id,
                "number": order.number,
                "name": order.name,
                "partner": order.partner_id.display_name or "",
                "address": order.address_id.city or "",
                "user_id": order.user_id.id,
                "start": fields.Datetime.to_string(order.date_planned),
                "stop": fields.Datetime.to_string(order.date_planned_end),
                "duration": order.duration,
                "state": order.state,
                "conflicts": conflicts.get(order.id, []),
            }

        return {
            "technicians": [
                {
                    "id": user.id,
                    "name": user.name,
                    "hours": [
                        [fields.Datetime.to_string(begin), fields.Datetime.to_string(end)]
                        for begin, end in hours.get(user.id, [])
                    ],
                }
                for user in technicians
            ],
            "orders": [values(order) for order in orders],
            "unassigned": [values(order) for order in unassigned],
            "teams": [{"id": team.id, "name": team.name} for team in self.env["kbe.service.team"].search([])],
            "conflict_labels": self._kbe_conflict_labels(),
        }

    def action_kbe_dispatch(self, user_id, date_planned):
        """Drop the order on a technician's day: ``user_id`` does it (False: nobody yet) from
        ``date_planned`` (UTC). What the user may not change stays as it is."""
        self.ensure_one()
        self.check_access("write")
        if user_id is not False and not isinstance(user_id, int):
            raise UserError(self.env._("Choose a technician."))
        try:
            when = fields.Datetime.to_datetime(date_planned)
        except (TypeError, ValueError):
            when = None
        if not isinstance(when, datetime) or not math.isfinite(when.timestamp()):
            raise UserError(self.env._("Choose when the visit starts."))
        if self.state not in ("planned", "in_progress"):
            raise UserError(self.env._("Service order %(order)s is closed: it stays as it is.", order=self.number))
        self.write({"user_id": user_id, "date_planned": when})
        return self._kbe_dispatch_conflicts().get(self.id, [])


_UTC = timezone.utc


def _naive(intervals):
    """Naive UTC (start, stop) pairs of Odoo ``Intervals``, sorted."""
    return sorted(
        (begin.astimezone(_UTC).replace(tzinfo=None), end.astimezone(_UTC).replace(tzinfo=None))
        for begin, end, _meta in intervals
    )


def _covered(intervals, start, stop):
    """Whether the sorted, disjoint ``intervals`` cover all of [start, stop)."""
    cursor = start
    for begin, end in intervals:
        if begin > cursor:
            return False
        if end > cursor:
            cursor = end
            if cursor >= stop:
                return True
    return cursor >= stop
