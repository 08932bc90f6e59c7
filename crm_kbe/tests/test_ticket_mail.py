from odoo.tests import tagged
from odoo.tools import mute_logger

from .service_common import KbeServiceCommon

NEW_MAIL = """Return-Path: {email_from}
To: {to}
From: {email_from}
Subject: {subject}
Message-ID: {msg_id}
{extra}MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

{body}
"""

BOUNCE_MAIL = """Return-Path: <>
To: {to}
From: MAILER-DAEMON <mailer-daemon@mail.example.org>
Subject: Undelivered Mail Returned to Sender
Message-ID: <bounce-1@mail.example.org>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="XXX"

--XXX
Content-Type: text/plain

This is the mail system. Your message could not be delivered.
--XXX
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.example.org

Final-Recipient: rfc822; nobody@nowhere.example.org
Action: failed
Status: 5.1.1

--XXX
Content-Type: text/rfc822-headers

Message-ID: <unknown-original@example.org>
From: someone@kbe.example.com
To: nobody@nowhere.example.org
Subject: something

--XXX--
"""


@tagged("post_install", "-at_install")
class TestTicketMail(KbeServiceCommon):
    """E-mails to a team's alias become tickets; replies thread; loops and bounces do not."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alias_domain = cls.env["mail.alias.domain"].search([("name", "=", "kbe.example.com")]) or cls.env[
            "mail.alias.domain"
        ].create(
            {
                "name": "kbe.example.com",
                "bounce_alias": "bounce",
                "catchall_alias": "catchall",
                "company_ids": [(4, cls.company.id)],
            }
        )
        cls.team.alias_id.alias_domain_id = cls.alias_domain
        cls.team_address = f"kbe-test-care@{cls.alias_domain.name}"

    def _receive(self, email_from, subject, body="Hello", msg_id="<msg-1@customer.example.org>", extra=""):
        raw = NEW_MAIL.format(
            email_from=email_from, to=self.team_address, subject=subject, msg_id=msg_id, extra=extra, body=body
        )
        return self.env["mail.thread"].message_process(False, raw)

    def test_alias_creates_a_ticket_and_a_contact_for_an_unknown_sender(self):
        self.assertEqual(self.team.alias_id.alias_model_id.model, "kbe.ticket")
        self.assertEqual(self.team.alias_id.alias_full_name, self.team_address)
        self.assertFalse(self.env["res.partner"].search([("email", "=", "siti@kantin.example.org")]))
        ticket_id = self._receive('"Siti Kantin" <siti@kantin.example.org>', "Snack box kurang 10")
        ticket = self.env["kbe.ticket"].browse(ticket_id)
        self.assertEqual(ticket.name, "Snack box kurang 10")
        self.assertEqual(ticket.team_id, self.team)
        self.assertEqual(ticket.channel, "email")
        partner = ticket.partner_id
        self.assertEqual((partner.name, partner.email), ("Siti Kantin", "siti@kantin.example.org"))
        self.assertIn(partner, ticket.message_partner_ids)
        self.assertIn("Hello", ticket.description)
        self.assertTrue(ticket.number.startswith("TKT/"))

    def test_known_sender_gets_the_ticket_on_their_contact(self):
        ticket = self.env["kbe.ticket"].browse(self._receive(self.yeyen.email_formatted, "Menu besok"))
        self.assertEqual(ticket.partner_id, self.yeyen)
        self.assertEqual(ticket.commercial_partner_id, self.kita)

    def test_reply_threads_into_the_ticket_and_reopens_it(self):
        ticket = self.env["kbe.ticket"].browse(self._receive(self.yeyen.email_formatted, "Menu besok"))
        ticket.write({"root_cause": "usage"})
        ticket.action_close()
        count = self.env["kbe.ticket"].search_count([])
        reply_id = self._receive(
            self.yeyen.email_formatted,
            "Re: Menu besok",
            body="Masih belum jelas",
            msg_id="<msg-2@customer.example.org>",
            extra="In-Reply-To: <msg-1@customer.example.org>\nReferences: <msg-1@customer.example.org>\n",
        )
        self.assertEqual(reply_id, ticket.id)
        self.assertEqual(self.env["kbe.ticket"].search_count([]), count, "a reply creates no new ticket")
        self.assertIn("Masih belum jelas", ticket.message_ids[0].body)
        self.assertFalse(ticket.is_closed, "the customer's reply reopens the ticket")

    @mute_logger("odoo.addons.crm_kbe.models.mail_thread")
    def test_automatic_replies_open_no_ticket(self):
        count = self.env["kbe.ticket"].search_count([])
        for i, header in enumerate(
            ("Auto-Submitted: auto-replied\n", "Precedence: auto_reply\n", "X-Autoreply: yes\n")
        ):
            self._receive("ooo@robot.example.org", "Out of office", msg_id=f"<ooo-{i}@robot.example.org>", extra=header)
        self.assertEqual(self.env["kbe.ticket"].search_count([]), count, "no ticket for an auto-reply")
        # a person's mail saying "Auto-Submitted: no" is a ticket like any other
        ticket_id = self._receive(
            "orang@customer.example.org",
            "Bukan otomatis",
            msg_id="<human@customer.example.org>",
            extra="Auto-Submitted: no\n",
        )
        self.assertEqual(self.env["kbe.ticket"].browse(ticket_id).name, "Bukan otomatis")
        # the customer's out-of-office answer to a closed ticket's mail does not reopen it
        ticket = self.env["kbe.ticket"].browse(ticket_id)
        ticket.write({"root_cause": "usage"})
        ticket.action_close()
        messages = len(ticket.message_ids)
        self._receive(
            "orang@customer.example.org",
            "Re: Bukan otomatis",
            msg_id="<ooo-reply@customer.example.org>",
            extra="Auto-Submitted: auto-replied\nIn-Reply-To: <human@customer.example.org>\n",
        )
        self.assertTrue(ticket.is_closed)
        self.assertEqual(len(ticket.message_ids), messages)

    def test_the_same_mail_delivered_twice_makes_one_ticket(self):
        first = self._receive(self.yeyen.email_formatted, "Dua kali", msg_id="<twice@customer.example.org>")
        count = self.env["kbe.ticket"].search_count([])
        second = self._receive(self.yeyen.email_formatted, "Dua kali", msg_id="<twice@customer.example.org>")
        self.assertEqual(self.env["kbe.ticket"].search_count([]), count)
        self.assertIn(second, (first, False, None))

    def test_reply_from_a_stranger_is_an_internal_note_and_gives_no_access(self):
        ticket = self.env["kbe.ticket"].browse(self._receive(self.yeyen.email_formatted, "Menu besok"))
        stranger = "orang.lain@elsewhere.example.org"
        partners = self.env["res.partner"].search_count([])
        reply_id = self._receive(
            stranger,
            "Re: Menu besok",
            body="Saya juga mau tahu menunya",
            msg_id="<stranger-1@elsewhere.example.org>",
            extra="In-Reply-To: <msg-1@customer.example.org>\nReferences: <msg-1@customer.example.org>\n"
            "Cc: dewi@sarirasa.example.com\n",
        )
        self.assertEqual(reply_id, ticket.id, "the reply lands on the ticket it answers")
        message = ticket.message_ids[0]
        self.assertIn("Saya juga mau tahu", message.body)
        self.assertTrue(message.subtype_id.internal, "a note: the customer is not sent a stranger's words")
        self.assertEqual(self.env["res.partner"].search_count([]), partners, "no contact made for the stranger")
        self.assertEqual(ticket.message_partner_ids, self.yeyen, "nobody was added as a follower")

    @mute_logger("odoo.addons.mail.models.mail_thread")
    def test_mail_loop_stops_creating_tickets(self):
        # sudo: a system parameter, set up as the administrator would
        self.env["ir.config_parameter"].sudo().set_param("mail.gateway.loop.threshold", 3)
        sender = "autoreply@robot.example.org"
        for i in range(3):
            self._receive(sender, f"Auto reply {i}", msg_id=f"<loop-{i}@robot.example.org>")
        self.assertEqual(self.env["kbe.ticket"].search_count([("partner_email", "=", sender)]), 3)
        self._receive(sender, "Auto reply 4", msg_id="<loop-4@robot.example.org>")
        self.assertEqual(
            self.env["kbe.ticket"].search_count([("partner_email", "=", sender)]), 3, "the loop is detected"
        )

    @mute_logger("odoo.addons.mail.models.mail_thread")
    def test_unknown_bounce_creates_no_ticket(self):
        count = self.env["kbe.ticket"].search_count([])
        partners = self.env["res.partner"].search_count([])
        self.env["mail.thread"].message_process(False, BOUNCE_MAIL.format(to=self.team_address))
        self.env["mail.thread"].message_process(False, BOUNCE_MAIL.format(to=f"bounce@{self.alias_domain.name}"))
        self.assertEqual(self.env["kbe.ticket"].search_count([]), count)
        self.assertEqual(self.env["res.partner"].search_count([]), partners, "no contact for the mailer daemon")
