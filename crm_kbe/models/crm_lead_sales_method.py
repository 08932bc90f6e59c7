from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

# the sales styles whose opportunities show their buying centre
BUYING_CENTER_STYLES = ("b2b_complex", "key_account")
BLOCKED_LEADS_SHOWN = 10


class CrmLead(models.Model):
    _inherit = "crm.lead"

    kbe_sales_method_id = fields.Many2one(
        "kbe.sales.method",
        string="Sales Method",
        compute="_compute_kbe_sales_method_id",
        help="The method of this opportunity's sales style and team: its stages' checklists.",
    )
    kbe_step_ids = fields.One2many("kbe.lead.step", "lead_id", string="Checklist")
    kbe_step_count = fields.Integer(string="Required Steps", compute="_compute_kbe_step_progress")
    kbe_step_done_count = fields.Integer(string="Required Steps Done", compute="_compute_kbe_step_progress")
    kbe_step_progress = fields.Float(string="Checklist Progress", compute="_compute_kbe_step_progress")
    kbe_buying_center_ids = fields.One2many("kbe.buying.center.member", "lead_id", string="Buying Centre")

    @api.depends("type", "company_id", "team_id", "kbe_sales_style")
    def _compute_kbe_sales_method_id(self):
        method_of = self._kbe_method_of()
        for lead in self:
            lead.kbe_sales_method_id = method_of.get(lead, False)

    @api.depends("kbe_step_ids.done", "kbe_step_ids.skipped")
    def _compute_kbe_step_progress(self):
        counts = defaultdict(lambda: [0, 0])
        # in the form, the rows being ticked count; in lists and kanbans, one query for all the
        # leads; nothing to count, and no query, where no sales method is defined
        in_form = self.filtered(lambda lead: not lead.id)
        for lead in in_form:
            required = lead.kbe_step_ids.filtered("required")
            counts[lead._origin.id] = [len(required), len(required.filtered("done"))]
        lead_ids = [lead.id for lead in (self - in_form)._kbe_method_of()]
        if lead_ids:
            groups = self.env["kbe.lead.step"]._read_group(
                [("lead_id", "in", lead_ids), ("step_id.required", "=", True)], ["lead_id", "done"], ["__count"]
            )
            for lead, done, count in groups:
                counts[lead.id][0] += count
                if done:
                    counts[lead.id][1] += count
        for lead in self:
            total, done = counts.get(lead._origin.id, (0, 0))
            lead.kbe_step_count = total
            lead.kbe_step_done_count = done
            lead.kbe_step_progress = 100.0 * done / total if total else 0.0

    # ------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        leads._kbe_sync_steps()
        return leads

    def write(self, vals):
        # which leads move forward is known before the write; whether their steps are done, after
        # it: a form saves the ticked steps and the new stage together
        stage = self.env["crm.stage"].browse(vals["stage_id"]) if vals.get("stage_id") else None
        forward = self._kbe_forward_methods(stage) if stage else {}
        result = super().write(vals)
        if forward:
            self._kbe_check_stage_move(stage, forward)
        if {"stage_id", "type", "team_id", "kbe_sales_style", "company_id"} & set(vals):
            self._kbe_sync_steps()
        return result

    def _merge_dependences(self, opportunities):
        """The buying centre of the merged opportunities moves to the result (a contact already
        in its buying centre is not added twice)."""
        result = super()._merge_dependences(opportunities)
        others = opportunities - self
        if others:
            # sudo: the user merging may change every merged opportunity (Odoo checks it)
            Member_sudo = self.env["kbe.buying.center.member"].sudo()
            members_sudo = Member_sudo.search([("lead_id", "in", others.ids)])
            present = Member_sudo.search([("lead_id", "=", self.id)]).partner_id
            for member_sudo in members_sudo:
                if member_sudo.partner_id not in present:
                    member_sudo.lead_id = self
                    present |= member_sudo.partner_id
        return result

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_kbe_stage_override(self):
        """Open the stage override (Sales / Administrator): move past open steps with a reason."""
        self.ensure_one()
        self.check_access("write")
        self._kbe_check_override_right()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Override Stage"),
            "res_model": "kbe.stage.override",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_lead_id": self.id},
        }

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _kbe_method_of(self):
        """{lead: its sales method} for the opportunities of these leads that have one. Found in
        the cached index of methods: no query, and nothing to do where no method exists."""
        index = self.env["kbe.sales.method"]._kbe_method_index()
        if not index:
            return {}
        Method = self.env["kbe.sales.method"]
        method_of = {}
        for lead in self:
            if lead.type != "opportunity":
                continue
            company_id = lead.company_id.id or self.env.company.id
            found = index.get((company_id, lead.kbe_sales_style))
            if found and (not found[1] or lead.team_id.id in found[1]):
                method_of[lead] = Method.browse(found[0])
        return method_of

    @staticmethod
    def _kbe_stage_key(stage):
        return (stage.sequence, stage.id) if stage else (-1, 0)

    def _kbe_forward_methods(self, target_stage):
        """{lead: its method} for those of these leads that have a method and would move forward
        to ``target_stage`` (moving back is always allowed). No query where no method exists."""
        method_of = self._kbe_method_of()
        if not method_of:
            return {}
        target_key = self._kbe_stage_key(target_stage)
        return {lead: method for lead, method in method_of.items() if self._kbe_stage_key(lead.stage_id) < target_key}

    def _kbe_open_steps(self, target_stage, forward=None):
        """{lead: the required steps of its method left open before ``target_stage``} for those of
        these leads that move forward to it (``forward``: {lead: method}, by default those that
        would move from their current stage)."""
        if forward is None:
            forward = self._kbe_forward_methods(target_stage)
        if not forward:
            return {}
        target_key = self._kbe_stage_key(target_stage)
        # sudo: the method's steps and the opportunity's checklist, whoever moves it: a rule must
        # not hide an open step
        Row_sudo = self.env["kbe.lead.step"].sudo()
        rows_sudo = Row_sudo.search_fetch(
            [("lead_id", "in", [lead.id for lead in forward]), "|", ("done", "=", True), ("skipped", "=", True)],
            ["lead_id", "step_id"],
        )
        resolved = {(row.lead_id.id, row.step_id.id) for row in rows_sudo}
        open_steps = {}
        for lead, method in forward.items():
            # sudo: as above, the method's steps
            steps = method.sudo().step_ids.filtered(
                lambda step, lead=lead: step.required
                and self._kbe_stage_key(step.stage_id) < target_key
                and (lead.id, step.id) not in resolved
            )
            if steps:
                open_steps[lead] = steps
        return open_steps

    def _kbe_check_stage_move(self, stage, forward):
        """Refuse to move these opportunities forward to ``stage`` (``forward``: {lead: method})
        while a required step of their method is open in a stage before it."""
        open_steps = self._kbe_open_steps(stage, forward)
        if not open_steps:
            return
        lines = []
        for lead, steps in list(open_steps.items())[:BLOCKED_LEADS_SHOWN]:
            listed = ", ".join(
                self.env._("%(step)s (%(stage)s)", step=step.name, stage=step.stage_id.name) for step in steps
            )
            lines.append(self.env._("“%(lead)s”: %(steps)s", lead=lead.name, steps=listed))
        if len(open_steps) > BLOCKED_LEADS_SHOWN:
            lines.append(self.env._("… and %(count)s more", count=len(open_steps) - BLOCKED_LEADS_SHOWN))
        raise UserError(
            self.env._(
                "Not moved to %(stage)s: required steps of the sales method are still open.\n%(lines)s\n"
                "Tick them on the opportunity's Checklist tab, or ask a sales manager to override the stage.",
                stage=stage.name,
                lines="\n".join(lines),
            )
        )

    def _kbe_sync_steps(self):
        """Give these opportunities one checklist row per step of their method, and drop the open
        rows of another method they followed before. No query for opportunities without a method
        (the rows of a method they left stay, unused, and come back to life if they return)."""
        method_of = self._kbe_method_of()
        if not method_of:
            return
        leads = self.browse([lead.id for lead in method_of])
        # sudo: the checklist is part of the opportunity: whoever may create or change the
        # opportunity (a mail gateway, a service agent's ticket) gets its rows
        Row_sudo = self.env["kbe.lead.step"].sudo()
        by_lead = defaultdict(lambda: Row_sudo)
        for row in Row_sudo.search([("lead_id", "in", leads.ids)]):
            by_lead[row.lead_id.id] |= row
        to_create, to_drop = [], Row_sudo
        for lead, method in method_of.items():
            rows = by_lead[lead.id]
            # sudo: as above, the steps of the method
            steps = method.sudo().step_ids
            to_drop |= rows.filtered(lambda row, steps=steps: row.step_id not in steps and not row.done)
            present = rows.step_id
            to_create += [{"lead_id": lead.id, "step_id": step.id} for step in steps if step not in present]
        to_drop.unlink()
        if to_create:
            Row_sudo.create(to_create)
        leads._kbe_apply_auto_steps()

    def _kbe_apply_auto_steps(self):
        """Tick the open steps done by facts: "a decision maker is in the buying centre"."""
        if not self or not self.env["kbe.sales.method"]._kbe_method_index():
            return
        # sudo: facts of the opportunity tick its checklist, whoever recorded them
        Row_sudo = self.env["kbe.lead.step"].sudo()
        rows_sudo = Row_sudo.search(
            [("lead_id", "in", self.ids), ("done", "=", False), ("step_id.auto_rule", "=", "decision_maker")]
        )
        if not rows_sudo:
            return
        # sudo: as above, whoever recorded the buying centre
        Member_sudo = self.env["kbe.buying.center.member"].sudo()
        deciders = Member_sudo.search([("lead_id", "in", rows_sudo.lead_id.ids), ("role", "=", "decision_maker")])
        rows_sudo.filtered(lambda row: row.lead_id in deciders.lead_id).write(
            {"done": True, "done_uid": self.env.user.id, "done_date": fields.Datetime.now()}
        )

    def _kbe_check_override_right(self):
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(self.env._("Only a sales manager (Sales / Administrator) may override a stage."))

    def _kbe_skip_steps(self, open_steps, note):
        """Mark the open steps ({lead: steps}) of these opportunities skipped with ``note``."""
        self._kbe_sync_steps()
        for lead, steps in open_steps.items():
            # sudo: the callers checked the right to move the opportunity past these steps (a
            # sales manager's override, an order of someone who may change the opportunity)
            rows_sudo = lead.sudo().kbe_step_ids.filtered(lambda row, steps=steps: row.step_id in steps)
            rows_sudo.write({"skipped": True, "skip_note": note})

    def _kbe_override_stage(self, stage, reason):
        """Move this opportunity to ``stage`` past its open steps, as a sales manager, and log the
        reason and the steps skipped in its chatter and on the steps."""
        self.ensure_one()
        self._kbe_check_override_right()
        self.check_access("write")
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Give the reason for overriding the stage."))
        open_steps = self._kbe_open_steps(stage)
        note = self.env._("Skipped by %(user)s: %(reason)s", user=self.env.user.name, reason=reason)
        if open_steps:
            self._kbe_skip_steps(open_steps, note[:250])
        self.write({"stage_id": stage.id})
        steps = open_steps.get(self, self.env["kbe.sales.method.step"])
        body = Markup("<p>%s</p><p>%s</p>") % (
            self.env._("Stage overridden to %(stage)s by %(user)s.", stage=stage.name, user=self.env.user.name),
            self.env._("Reason: %(reason)s", reason=reason),
        )
        if steps:
            body += Markup("<p>%s</p><ul>%s</ul>") % (
                self.env._("Open steps skipped:"),
                Markup().join(Markup("<li>%s</li>") % step.name for step in steps),
            )
        self.message_post(body=body, message_type="comment", subtype_xmlid="mail.mt_note")
        return steps

    def _kbe_mark_won_by_order(self, order):
        # an order for the opportunity is a fact: it wins the deal even with steps open, which are
        # marked skipped and listed in the chatter
        open_steps = self._kbe_open_steps_to_won()
        if open_steps:
            note = self.env._("Skipped: won by the sales order %(order)s", order=order.name)
            self._kbe_skip_steps(open_steps, note)
            for lead, steps in open_steps.items():
                lead.message_post(
                    body=Markup("<p>%s</p><ul>%s</ul>")
                    % (
                        self.env._(
                            "Won by the sales order %(order)s with steps of the sales method open:",
                            order=order.name,
                        ),
                        Markup().join(Markup("<li>%s</li>") % step.name for step in steps),
                    ),
                    message_type="comment",
                    subtype_xmlid="mail.mt_note",
                )
        return super()._kbe_mark_won_by_order(order)

    def _kbe_open_steps_to_won(self):
        """The open steps of these opportunities before the won stage each would move to."""
        if not self._kbe_method_of():
            return {}
        open_steps = {}
        for lead in self.filtered(lambda lead: lead.active and not lead.stage_id.is_won):
            won_stage = lead._stage_find(domain=[("is_won", "=", True)], limit=None)[:1]
            if won_stage:
                open_steps.update(lead._kbe_open_steps(won_stage))
        return open_steps
