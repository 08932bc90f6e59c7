import itertools
from collections import defaultdict

from odoo import api, models
from odoo.exceptions import UserError


class KbeCall(models.Model):
    """CALL LISTS: planned calls made in batch for telesales and telemarketing (the call list
    wizard and the campaigns' telemarketing), spread over a team, skipping who may not be called."""

    _inherit = "kbe.call"

    @api.model
    def _kbe_blacklisted_numbers(self, records_numbers):
        """The numbers, among ``records_numbers`` ([(record, number)]), that opted out of calls."""
        sanitized = {}
        for record, number in records_numbers:
            country = record.country_id if "country_id" in record._fields else None
            sanitized[(record, number)] = record._phone_format(number=number, country=country) or number
        if not sanitized:
            return set()
        blacklisted = set(
            self.env["phone.blacklist"]
            # sudo: the opt-out list is not readable by sales users, only whether a number is on it
            .sudo()
            .search([("number", "in", list(set(sanitized.values())))])
            .mapped("number")
        )
        return {key for key, number in sanitized.items() if number in blacklisted}

    @api.model
    def _kbe_create_call_list(self, targets, users, date_start, date_end, values, assignment="round_robin", turn=0):
        """Create one planned call per target (customers or opportunities) spread over ``users``
        and the window [date_start, date_end]. Returns (calls, skipped) where skipped maps a reason
        (no_phone, blacklisted, planned, other_company) to the targets skipped for it. ``turn``:
        calls already given in earlier batches of the same list (round robin goes on from there)."""
        if not users:
            raise UserError(self.env._("The team has no member to give the calls to."))
        if not date_start or not date_end or date_end < date_start:
            raise UserError(self.env._("The call window must end after it starts."))
        company = self.env.company
        skipped = defaultdict(list)
        candidates = []  # (target, partner, lead, number)
        seen = set()
        for target in targets:
            lead = target if target._name == "crm.lead" else self.env["crm.lead"]
            partner = target if target._name == "res.partner" else target.partner_id
            key = ("partner", partner.id) if partner else ("lead", lead.id)
            number = self._kbe_number_of(partner, lead)
            partner_company = partner.company_id or partner.commercial_partner_id.company_id
            if (lead.company_id and lead.company_id != company) or (partner_company and partner_company != company):
                skipped["other_company"].append(target)
            elif not number:
                skipped["no_phone"].append(target)
            elif key in seen:
                skipped["planned"].append(target)
            else:
                seen.add(key)
                candidates.append((target, partner, lead, number))
        blacklisted = self._kbe_blacklisted_numbers(
            [(partner or lead, number) for __, partner, lead, number in candidates]
        )
        # every number of a contact counts: whoever opted out on one number opted out
        others = [
            (partner, partner.mobile)
            for __, partner, __l, number in candidates
            if partner and partner.mobile and partner.mobile != number
        ]
        blacklisted_other = {record for record, __ in self._kbe_blacklisted_numbers(others)}
        planned = self._read_group(
            [
                ("state", "=", "planned"),
                ("date_planned", ">=", date_start),
                ("date_planned", "<=", date_end),
                "|",
                ("partner_id", "in", [p.id for __, p, __l, __n in candidates if p]),
                ("lead_id", "in", [lead.id for __, __p, lead, __n in candidates if lead]),
            ],
            ["partner_id", "lead_id"],
        )
        planned_partners = {partner for partner, __ in planned if partner}
        planned_leads = {lead for __, lead in planned if lead}
        kept = []
        for target, partner, lead, number in candidates:
            if ((partner or lead), number) in blacklisted or partner in blacklisted_other:
                skipped["blacklisted"].append(target)
            elif (partner and partner in planned_partners) or (lead and lead in planned_leads):
                skipped["planned"].append(target)
            else:
                kept.append((partner, lead, number))
        assigned = self._kbe_assign(len(kept), users, date_start, date_end, assignment, turn=turn)
        per_user = defaultdict(int)
        for user in assigned:
            per_user[user] += 1
        span = date_end - date_start
        rank = defaultdict(int)
        vals_list = []
        for (partner, lead, number), user in zip(kept, assigned, strict=True):
            slot = span * rank[user] / per_user[user]
            rank[user] += 1
            vals_list.append(
                {
                    **values,
                    "partner_id": partner.id,
                    "lead_id": lead.id,
                    "phone": number,
                    "user_id": user.id,
                    "company_id": company.id,
                    "date_planned": date_start + slot,
                }
            )
        calls = self.with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True, mail_activity_quick_update=True, tracking_disable=True
        ).create(vals_list)
        return calls, skipped

    @api.model
    def _kbe_assign(self, count, users, date_start, date_end, assignment, turn=0):
        """The responsible of each of ``count`` new calls: round robin, or to whoever has the
        fewest planned calls in the window (calls already planned count)."""
        users = users.sorted("id")
        if assignment == "workload":
            load = dict.fromkeys(users, 0)
            for user, planned in self._read_group(
                [
                    ("state", "=", "planned"),
                    ("user_id", "in", users.ids),
                    ("date_planned", ">=", date_start),
                    ("date_planned", "<=", date_end),
                ],
                ["user_id"],
                ["__count"],
            ):
                load[user] = planned
            result = []
            for __ in range(count):
                user = min(users, key=lambda u: (load[u], u.id))
                load[user] += 1
                result.append(user)
            return result
        return list(itertools.islice(itertools.cycle(users), turn % len(users), turn % len(users) + count))
