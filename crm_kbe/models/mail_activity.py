from datetime import datetime

import pytz

from odoo import fields, models


class MailActivity(models.Model):
    """A planned kbe.call is a "Call" activity: done, moved, reassigned or cancelled from the
    chatter or the activity menu, it changes the call the same way, through the call's one
    checked entry point (``kbe.call._kbe_agenda_changed``; see "THE AGENDA OF A PLANNED CALL" in
    kbe_call.py)."""

    _inherit = "mail.activity"

    kbe_call_id = fields.Many2one("kbe.call", string="Planned Call", index="btree_not_null", ondelete="cascade")

    def write(self, vals):
        res = super().write(vals)
        if not self.env.context.get("kbe_call_sync") and {"date_deadline", "user_id"} & set(vals):
            self.filtered("kbe_call_id")._kbe_move_calls()
        return res

    def unlink(self):
        calls = self.env["kbe.call"] if self.env.context.get("kbe_call_sync") else self.kbe_call_id
        calls._kbe_planned_to_change()  # refused before anything is deleted
        res = super().unlink()
        # the call is cancelled and its calendar entry goes (the activity is gone already)
        calls._kbe_agenda_changed("removed", "activity")
        return res

    def _action_done(self, feedback=False, attachment_ids=False):
        if not self.env.context.get("kbe_call_sync"):
            # the activity's assignee marks it done; its call is held, with the feedback as notes
            self.kbe_call_id._kbe_agenda_changed("done", "activity", feedback=feedback)
        return super(MailActivity, self.with_context(kbe_call_sync=True))._action_done(
            feedback=feedback, attachment_ids=attachment_ids
        )

    def _kbe_move_calls(self):
        """The activity was rescheduled or reassigned: its call follows (same time of day, new
        date), and the call brings its calendar entry along."""
        # sudo: only to tell which calls are still planned; _kbe_agenda_changed checks the user's
        # right to change each of them
        planned = self.kbe_call_id.sudo().filtered(lambda call: call.state == "planned")
        for activity in self:
            call = activity.kbe_call_id
            if call not in planned:
                continue
            vals = {}
            if activity.user_id and activity.user_id != call.user_id:
                vals["user_id"] = activity.user_id.id
            tz = pytz.timezone((activity.user_id or call.user_id).tz or self.env.user.tz or "UTC")
            local = pytz.utc.localize(call.date_planned).astimezone(tz)
            if activity.date_deadline != local.date():
                moved = tz.localize(datetime.combine(activity.date_deadline, local.time().replace(tzinfo=None)))
                vals["date_planned"] = moved.astimezone(pytz.utc).replace(tzinfo=None)
            if vals:
                call._kbe_agenda_changed("moved", "activity", **vals)
