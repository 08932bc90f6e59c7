from odoo import models


class CalendarEvent(models.Model):
    """A planned kbe.call is an entry in its responsible's calendar: moving or deleting the entry
    moves or cancels the call."""

    _inherit = "calendar.event"

    def write(self, vals):
        if self.env.context.get("kbe_call_sync") or not {"start", "stop", "user_id", "duration"} & set(vals):
            return super().write(vals)
        # sudo: the calendar's owner moves their entry; the call it stands for follows
        calls = self.env["kbe.call"].sudo().search([("calendar_event_id", "in", self.ids), ("state", "=", "planned")])
        if not calls:
            return super().write(vals)
        # the event updates its activity itself (_sync_activities); the call then takes the new slot
        res = super(CalendarEvent, self.with_context(kbe_call_sync=True)).write(vals)
        for call in calls:
            event = call.calendar_event_id
            call.with_context(kbe_call_sync=True).write(
                {
                    "date_planned": event.start,
                    "duration_planned": min(event.duration, 24.0),
                    "user_id": event.user_id.id or call.user_id.id,
                }
            )
        return res

    def unlink(self):
        if not self.env.context.get("kbe_call_sync"):
            # sudo: deleting the calendar entry of a planned call cancels the call
            calls = (
                self.env["kbe.call"].sudo().search([("calendar_event_id", "in", self.ids), ("state", "=", "planned")])
            )
            activities = calls.activity_id
            calls.with_context(kbe_call_sync=True).write({"state": "cancelled", "activity_id": False})
            activities.with_context(kbe_call_sync=True).unlink()
        return super().unlink()
