"""18.0.1.1.0: a call's calendar entry knows its call (calendar_event.kbe_call_id), so that moving
or deleting any other entry costs no query to tell it is no call's."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE calendar_event event
           SET kbe_call_id = call.id
          FROM kbe_call call
         WHERE call.calendar_event_id = event.id
           AND event.kbe_call_id IS NULL
        """
    )
