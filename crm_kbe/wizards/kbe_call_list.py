import ast
import math
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import plaintext2html

from ..models.kbe_call import CALL_SUBJECT_MAX, CALL_TEXT_MAX, MAX_CALL_HOURS

# up to this many customers or opportunities, the list is made at once; beyond, in batches of
# this size by the "Create call lists" cron, which reports its progress
BATCH_SIZE = 1000
SKIP_REASONS = ("no_phone", "blacklisted", "planned", "other_company")


class KbeCallList(models.TransientModel):
    """Telesales call list: one planned call per selected customer or opportunity, spread over a
    team's members and a date window. The work is done by ``kbe.call._kbe_create_call_list``;
    large lists are made in batches by a cron (re-running a batch changes nothing: a customer with
    a call planned in the window is skipped)."""

    _name = "kbe.call.list"
    _description = "Create a Call List"
    # a large list is made in the background: keep it until its last batch is done
    _transient_max_hours = 24.0

    source = fields.Selection(
        [("partner", "Customers"), ("lead", "Opportunities")], string="Call", required=True, default="partner"
    )
    partner_ids = fields.Many2many(
        "res.partner", "kbe_call_list_partner_rel", "wizard_id", "partner_id", string="Customers"
    )
    lead_ids = fields.Many2many("crm.lead", "kbe_call_list_lead_rel", "wizard_id", "lead_id", string="Opportunities")
    filter_domain = fields.Char(
        string="Or by Filter",
        help="Customers or opportunities matching this filter are added to the selection.",
    )
    filter_model = fields.Char(compute="_compute_filter_model")
    name = fields.Char(string="Subject", required=True)
    purpose = fields.Html()
    date_start = fields.Datetime(string="From", required=True, default=fields.Datetime.now)
    date_end = fields.Datetime(
        string="To", required=True, default=lambda self: fields.Datetime.now() + timedelta(days=5)
    )
    duration_planned = fields.Float(string="Planned Duration", default=0.25)
    team_id = fields.Many2one("crm.team", required=True, default=lambda self: self.env.user.sale_team_id)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    user_ids = fields.Many2many(
        "res.users",
        "kbe_call_list_user_rel",
        "wizard_id",
        "user_id",
        string="Agents",
        compute="_compute_user_ids",
        store=True,
        readonly=False,
    )
    assignment = fields.Selection(
        [("round_robin", "Round robin"), ("workload", "By workload")],
        string="Spread",
        required=True,
        default="round_robin",
        help="Round robin gives the calls in turn; by workload gives each call to the agent with the "
        "fewest calls planned in the window.",
    )
    state = fields.Selection([("draft", "Draft"), ("queued", "In Progress"), ("done", "Done")], default="draft")
    # progress and results
    target_count = fields.Integer(string="To Process", readonly=True)
    done_count = fields.Integer(string="Processed", readonly=True)
    call_ids = fields.Many2many("kbe.call", "kbe_call_list_call_rel", "wizard_id", "call_id", string="Calls Created")
    created_count = fields.Integer(string="Created", readonly=True)
    skipped_no_phone = fields.Integer(string="Skipped: No Phone", readonly=True)
    skipped_blacklisted = fields.Integer(string="Skipped: Opted Out", readonly=True)
    skipped_planned = fields.Integer(string="Skipped: Already Planned", readonly=True)
    skipped_other_company = fields.Integer(string="Skipped: Other Company", readonly=True)
    skipped_names = fields.Json(string="Skipped Examples", readonly=True)
    skipped_count = fields.Integer(string="Skipped", compute="_compute_skipped")
    skipped_details = fields.Text(string="Skipped Because", compute="_compute_skipped")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        model = self.env.context.get("active_model")
        ids = self.env.context.get("active_ids") or []
        if model == "res.partner" and ids:
            values.update(source="partner", partner_ids=[(6, 0, ids)])
        elif model == "crm.lead" and ids:
            values.update(source="lead", lead_ids=[(6, 0, ids)])
        # "select all" in a list sends the list's filter rather than every id
        if model in ("res.partner", "crm.lead") and self.env.context.get("active_domain"):
            values.update(
                source="partner" if model == "res.partner" else "lead",
                filter_domain=repr(self.env.context["active_domain"]),
            )
        return values

    @api.depends("source")
    def _compute_filter_model(self):
        for wizard in self:
            wizard.filter_model = "res.partner" if wizard.source == "partner" else "crm.lead"

    @api.depends("team_id")
    def _compute_user_ids(self):
        for wizard in self:
            wizard.user_ids = wizard.team_id.member_ids

    @api.depends(*(f"skipped_{reason}" for reason in SKIP_REASONS), "skipped_names")
    def _compute_skipped(self):
        labels = {
            "no_phone": self.env._("no phone number"),
            "blacklisted": self.env._("opted out of calls"),
            "planned": self.env._("a call is already planned in the window"),
            "other_company": self.env._("a contact of another company"),
        }
        for wizard in self:
            names = wizard.skipped_names or {}
            details = []
            for reason in SKIP_REASONS:
                count = wizard[f"skipped_{reason}"]
                if count:
                    examples = names.get(reason, [])
                    details.append(
                        self.env._(
                            "%(count)s skipped, %(reason)s: %(names)s%(more)s",
                            count=count,
                            reason=labels[reason],
                            names=", ".join(examples),
                            more="…" if count > len(examples) else "",
                        )
                    )
            wizard.skipped_count = sum(wizard[f"skipped_{reason}"] for reason in SKIP_REASONS)
            wizard.skipped_details = "\n".join(details) or False

    def _get_targets(self):
        """The selected customers or opportunities, plus those matching the filter; the user must
        be able to read them."""
        self.ensure_one()
        model = "res.partner" if self.source == "partner" else "crm.lead"
        targets = self.partner_ids if self.source == "partner" else self.lead_ids
        if self.filter_domain and self.filter_domain.strip() not in ("", "[]"):
            try:
                domain = ast.literal_eval(self.filter_domain)
            except (ValueError, SyntaxError) as error:
                raise UserError(self.env._("The filter is not a valid domain.")) from error
            targets |= self.env[model].search(domain)
        targets.check_access("read")
        return targets

    def action_apply(self):
        self.ensure_one()
        self.check_access("write")
        if self.state != "draft":
            raise UserError(self.env._("This call list was already made."))
        strangers = self.user_ids - self.team_id.member_ids - self.team_id.user_id
        if strangers:
            raise UserError(
                self.env._(
                    "Not in the team %(team)s: %(users)s. Give the calls to its members.",
                    users=", ".join(strangers.mapped("name")),
                    team=self.team_id.name,
                )
            )
        if not self.user_ids:
            raise UserError(self.env._("The team has no member to give the calls to."))
        if self.date_end <= self.date_start:
            raise UserError(self.env._("The call window must end after it starts."))
        # what every call of the list will carry, checked before any is made (the list may be
        # made later, in batches, by the scheduler)
        subject = (self.name or "").strip()
        if not subject or len(subject) > CALL_SUBJECT_MAX:
            raise UserError(self.env._("Give the calls a subject of 1 to %(max)s characters.", max=CALL_SUBJECT_MAX))
        duration = self.duration_planned
        if not math.isfinite(duration) or not 0 < duration <= MAX_CALL_HOURS:
            raise UserError(self.env._("The planned duration of a call is between 0 and 24 hours."))
        if len(self.purpose or "") > CALL_TEXT_MAX:
            raise UserError(self.env._("The purpose is too long (at most %(max)s characters).", max=CALL_TEXT_MAX))
        targets = self._get_targets()
        if not targets:
            raise UserError(self.env._("Select customers or opportunities, or give a filter, to call."))
        # the selection is fixed now: the batches work on it, whatever the filter finds later
        field = "partner_ids" if self.source == "partner" else "lead_ids"
        self.write({field: [(6, 0, targets.ids)], "target_count": len(targets), "state": "queued"})
        if len(targets) <= BATCH_SIZE:
            self._kbe_process_batch()
        else:
            self.env.ref("crm_kbe.ir_cron_kbe_call_list")._trigger()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Call List"),
        }

    def action_open_calls(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("crm_kbe.kbe_call_action")
        action["domain"] = [("id", "in", self.call_ids.ids)]
        action["context"] = {}
        return action

    def _kbe_process_batch(self):
        """Make the calls of the next batch of targets, as the user who asked for the list, and
        add up the results; the last batch tells the user in the team's chatter."""
        self.ensure_one()
        wizard = self.with_user(self.create_uid).with_context(
            allowed_company_ids=(self.company_id | self.create_uid.company_ids).ids
        )
        wizard = wizard.with_company(self.company_id)
        targets = (wizard.partner_ids if self.source == "partner" else wizard.lead_ids).sorted("id")
        batch = targets[self.done_count : self.done_count + BATCH_SIZE]
        calls, skipped = (
            self.env["kbe.call"]
            .with_env(wizard.env)
            ._kbe_create_call_list(
                batch,
                wizard.user_ids,
                self.date_start,
                self.date_end,
                {
                    "name": self.name,
                    "purpose": self.purpose,
                    "team_id": self.team_id.id,
                    "duration_planned": self.duration_planned,
                    "direction": "outbound",
                },
                assignment=self.assignment,
                turn=self.created_count,
            )
        )
        names = dict(self.skipped_names or {})
        for reason, records in skipped.items():
            names[reason] = (names.get(reason, []) + [r.display_name for r in records])[:10]
        values = {
            "call_ids": [(4, call.id) for call in calls],
            "created_count": self.created_count + len(calls),
            "done_count": self.done_count + len(batch),
            "skipped_names": names,
        }
        for reason in SKIP_REASONS:
            values[f"skipped_{reason}"] = self[f"skipped_{reason}"] + len(skipped.get(reason, []))
        if values["done_count"] >= self.target_count:
            values["state"] = "done"
        self.write(values)
        if self.state == "done" and self.target_count > BATCH_SIZE:
            report = self.env._(
                "Call list “%(name)s”: %(created)s calls created, %(skipped)s skipped.",
                name=self.name,
                created=self.created_count,
                skipped=self.skipped_count,
            )
            # sudo: the user may not write to the team; the note is the list's report
            self.team_id.sudo().message_post(
                body=plaintext2html("\n".join(filter(None, [report, self.skipped_details]))),
                partner_ids=self.create_uid.partner_id.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )

    @api.model
    def _cron_create_call_lists(self):
        """Make the pending call lists, one batch per run, reporting the progress."""
        pending = self.search([("state", "=", "queued")], order="id")
        if not pending:
            return
        wizard = pending[0]
        wizard._kbe_process_batch()
        remaining = sum(max(w.target_count - w.done_count, 0) for w in pending)
        done = sum(w.done_count for w in pending)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
