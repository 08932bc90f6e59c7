import ast

from odoo import api, fields, models


class KbeServiceTeam(models.Model):
    _name = "kbe.service.team"
    _description = "Service Team"
    _inherit = ["mail.alias.mixin", "mail.thread", "rating.parent.mixin"]
    _order = "sequence, name"
    _rating_satisfaction_days = 30
    _check_company_auto = True

    # identity
    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    portal_visible = fields.Boolean(
        "Visible on the Portal",
        help="Customers may choose this team when they open a ticket on the portal (if the company allows it).",
    )
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    # relations
    member_ids = fields.Many2many(
        "res.users",
        "kbe_service_team_member_rel",
        "team_id",
        "user_id",
        string="Members",
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
        tracking=True,
    )
    assignment_method = fields.Selection(
        [("manual", "Manual"), ("round_robin", "Round robin"), ("least_open", "Least open tickets")],
        "Assignment",
        default="manual",
        required=True,
        tracking=True,
        help="Manual: an agent takes the ticket. Round robin: members in turn. "
        "Least open tickets: the member with the fewest open tickets.",
    )
    last_assigned_user_id = fields.Many2one("res.users", "Last Assigned", readonly=True, copy=False)
    resource_calendar_id = fields.Many2one(
        "resource.calendar",
        "Working Hours",
        compute="_compute_resource_calendar_id",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        help="SLA deadlines are counted in these working hours.",
    )
    stage_ids = fields.Many2many(
        "kbe.ticket.stage",
        "kbe_service_team_ticket_stage_rel",
        "team_id",
        "stage_id",
        string="Stages",
        help="Stages of this team's kanban. Stages used by every team are added to them.",
    )
    sla_policy_ids = fields.One2many("kbe.sla.policy", "team_id", "SLA Policies")
    ticket_ids = fields.One2many("kbe.ticket", "team_id", "Tickets")
    # figures
    open_ticket_count = fields.Integer("Open Tickets", compute="_compute_ticket_counts")
    unassigned_ticket_count = fields.Integer("Unassigned Tickets", compute="_compute_ticket_counts")
    failed_ticket_count = fields.Integer("Failed SLA", compute="_compute_ticket_counts")

    @api.depends("company_id")
    def _compute_resource_calendar_id(self):
        # a team works the hours of its company unless told otherwise
        for team in self:
            calendar_company = team.resource_calendar_id.company_id
            if not team.resource_calendar_id or (calendar_company and calendar_company != team.company_id):
                team.resource_calendar_id = team.company_id.resource_calendar_id

    def _compute_ticket_counts(self):
        groups = self.env["kbe.ticket"]._read_group(
            [("team_id", "in", self.ids), ("is_closed", "=", False)],
            ["team_id", "user_id", "sla_status"],
            ["__count"],
        )
        counts = {team.id: {"open": 0, "unassigned": 0, "failed": 0} for team in self}
        for team, user, sla_status, count in groups:
            counts[team.id]["open"] += count
            if not user:
                counts[team.id]["unassigned"] += count
            if sla_status == "failed":
                counts[team.id]["failed"] += count
        for team in self:
            team.open_ticket_count = counts[team.id]["open"]
            team.unassigned_ticket_count = counts[team.id]["unassigned"]
            team.failed_ticket_count = counts[team.id]["failed"]

    def _alias_get_creation_values(self):
        values = super()._alias_get_creation_values()
        values["alias_model_id"] = self.env["ir.model"]._get_id("kbe.ticket")
        if self.id:
            values["alias_defaults"] = defaults = ast.literal_eval(self.alias_defaults or "{}")
            defaults["team_id"] = self.id
            defaults["channel"] = "email"
        return values

    def action_open_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_kbe.kbe_ticket_action")
        action["domain"] = [("team_id", "=", self.id)]
        action["context"] = {"default_team_id": self.id, "search_default_filter_open": 1}
        action["display_name"] = self.name
        return action

    @api.model
    def _kbe_stages_for_teams(self, teams):
        """Stages of these teams, plus the stages shared by every team, in kanban order."""
        domain = [("team_ids", "=", False)]
        if teams:
            domain = ["|", ("team_ids", "in", teams.ids)] + domain
        return self.env["kbe.ticket.stage"].search(domain)

    def _kbe_pick_assignees(self, count):
        """Return ``count`` users (a list, possibly with empty recordsets) following the team's rule.

        One query for the open-ticket counts of the whole team, whatever ``count`` is.
        """
        self.ensure_one()
        Users = self.env["res.users"]
        members = self.member_ids.filtered("active").sorted("id")
        if self.assignment_method == "manual" or not members:
            return [Users] * count
        picked = []
        if self.assignment_method == "round_robin":
            last = self.last_assigned_user_id
            start = (members.ids.index(last.id) + 1) if last.id in members.ids else 0
            for i in range(count):
                picked.append(members[(start + i) % len(members)])
        else:
            groups = (
                self.env["kbe.ticket"]
                # sudo: the load counts every open ticket of the team, also those the creator cannot read
                .sudo()
                ._read_group(
                    [("team_id", "=", self.id), ("is_closed", "=", False), ("user_id", "in", members.ids)],
                    ["user_id"],
                    ["__count"],
                )
            )
            load = dict.fromkeys(members.ids, 0)
            load.update({user.id: n for user, n in groups})
            for _i in range(count):
                user_id = min(members.ids, key=lambda uid: (load[uid], uid))
                load[user_id] += 1
                picked.append(members.browse(user_id))
        if picked:
            # sudo: agents assigning tickets cannot edit the team; only the round-robin pointer moves
            self.sudo().last_assigned_user_id = picked[-1]
        return picked
