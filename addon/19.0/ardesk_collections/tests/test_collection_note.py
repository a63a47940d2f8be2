# Copyright 2026 ardesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

from ..models.series import FOLLOWUP_FLAG


@tagged("post_install", "-at_install")
class TestCollectionNote(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "ardesk test company B"})
        cls.collector = new_test_user(
            cls.env,
            login="ardesk_collector",
            groups="ardesk_collections.group_collector",
            company_id=cls.company_a.id,
            company_ids=[(6, 0, cls.company_a.ids)],
        )
        cls.manager = new_test_user(
            cls.env,
            login="ardesk_manager",
            groups="ardesk_collections.group_collections_manager",
            company_id=cls.company_a.id,
            company_ids=[(6, 0, cls.company_a.ids)],
        )
        cls.customer = cls.env["res.partner"].create({"name": "ardesk test customer", "is_company": True})
        cls.contact = cls.env["res.partner"].create({"name": "A. Person", "parent_id": cls.customer.id})
        cls.invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.customer.id,
                "invoice_date": "2026-10-01",
                "invoice_line_ids": [(0, 0, {"name": "Service", "quantity": 1, "price_unit": 1200.0})],
            }
        )
        cls.invoice.action_post()
        cls.Note = cls.env["ardesk.collection.note"]

    def _push(self, notes, user=None):
        return self.Note.with_user(user or self.collector).ardesk_push_notes(notes)

    def _note(self, **values):
        base = {"external_id": "N-000000000001", "partner_id": self.customer.id, "date": "2026-11-02",
                "text": "Called <b>Jane</b> & co", "author": "jo"}
        base.update(values)
        return base

    def _receivable_lines(self):
        return self.invoice.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")

    def test_push_creates_once_then_already_there_then_refuses_with_the_reason(self):
        first = self._push([self._note(move_id=self.invoice.id, outcome="reached")])
        self.assertEqual([r["status"] for r in first], ["created"])
        note = self.Note.browse(first[0]["id"])
        self.assertEqual(note.partner_id, self.customer)
        self.assertEqual(note.company_id, self.company_a)
        message = note.chatter_message_id
        self.assertEqual(message.model, "account.move")
        self.assertEqual(message.res_id, self.invoice.id)
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_note"))
        self.assertEqual(message.author_id, self.collector.partner_id)
        self.assertIn("&lt;b&gt;Jane&lt;/b&gt; &amp; co", message.body)
        again = self._push([self._note(move_id=self.invoice.id, outcome="reached")])
        self.assertEqual([(r["status"], r["id"]) for r in again], [("already there", note.id)])
        messages = self.env["mail.message"].search([("model", "=", "account.move"), ("res_id", "=", self.invoice.id),
                                                     ("body", "ilike", "N-000000000001")])
        self.assertEqual(len(messages), 1)
        results = self._push([
            self._note(external_id="N-2", partner_id=0),
            self._note(external_id="N-3", move_id=self.invoice.id + 100000),
            self._note(external_id="N-4", colour="blue"),
            self._note(external_id="N-5"),
        ])
        self.assertEqual([r["status"] for r in results], ["refused", "refused", "refused", "created"])
        self.assertIn("No customer with id 0", results[0]["reason"])
        self.assertIn("No customer invoice", results[1]["reason"])
        self.assertIn("colour", results[2]["reason"])
        self.assertFalse(self.Note.search([("external_id", "in", ["N-2", "N-3", "N-4"])]))

    def test_a_collector_without_an_email_address_can_push(self):
        self.collector.partner_id.email = False
        [result] = self._push([self._note(external_id="N-NOMAIL")])
        self.assertEqual(result["status"], "created")
        self.assertEqual(self.Note.browse(result["id"]).chatter_message_id.author_id, self.collector.partner_id)

    def test_a_contact_person_is_noted_on_its_customer(self):
        [result] = self._push([self._note(partner_id=self.contact.id)])
        self.assertEqual(self.Note.browse(result["id"]).partner_id, self.customer)

    def test_a_newer_revision_updates_and_posts_a_correction(self):
        [first] = self._push([self._note(next_action_date="2026-12-01")])
        [second] = self._push([self._note(revision=1, text="Promised Friday", next_action_date="2026-12-03")])
        self.assertEqual(second["status"], "updated")
        self.assertEqual(second["id"], first["id"])
        self.assertIn("Correction of collection note", self.env["mail.message"].browse(second["message_id"]).body)
        activities = self.env["mail.activity"].search([("res_model", "=", "res.partner"),
                                                       ("res_id", "=", self.customer.id),
                                                       ("summary", "ilike", "N-000000000001")])
        self.assertEqual(len(activities), 1)
        self.assertEqual(str(activities.date_deadline), "2026-12-03")
        self.assertEqual(activities.user_id, self.collector)

    def test_dispute_sets_and_clears_the_no_follow_up_flag(self):
        self._push([self._note(move_id=self.invoice.id, dispute_state="open", disputed_amount=1200.0)])
        self.assertTrue(all(self._receivable_lines().mapped(FOLLOWUP_FLAG)))
        self.assertEqual(self.invoice.with_user(self.collector).ardesk_dispute_state, "open")
        self._push([self._note(external_id="N-9", date="2026-11-09", move_id=self.invoice.id,
                               dispute_state="resolved")])
        self.assertFalse(any(self._receivable_lines().mapped(FOLLOWUP_FLAG)))
        self.assertEqual(self.invoice.with_user(self.collector).ardesk_dispute_state, "resolved")
        self.assertEqual(self.invoice.with_user(self.collector).ardesk_note_count, 2)

    def test_customer_fields_follow_the_notes(self):
        customer = self.customer.with_user(self.collector)
        self.assertEqual(customer.ardesk_stage, "none")
        self._push([self._note(promise_date="2026-11-20", promise_amount=500.0, promise_state="open",
                               next_action_date="2026-11-21")])
        customer.invalidate_recordset()
        self.assertEqual(customer.ardesk_stage, "promised")
        self.assertEqual(customer.ardesk_promise_amount, 500.0)
        self.assertEqual(str(customer.ardesk_promise_date), "2026-11-20")
        self.assertEqual(str(customer.ardesk_next_action_date), "2026-11-21")
        self.assertEqual(str(customer.ardesk_last_contact), "2026-11-02")
        self._push([self._note(external_id="N-10", date="2026-11-25", promise_date="2026-11-20",
                               promise_amount=500.0, promise_state="broken")])
        customer.invalidate_recordset()
        self.assertEqual(customer.ardesk_stage, "broken")
        self.assertEqual(customer.ardesk_promise_amount, 0.0)
        self._push([self._note(external_id="N-11", date="2026-11-26", move_id=self.invoice.id,
                               dispute_state="open", disputed_amount=1200.0)])
        customer.invalidate_recordset()
        self.assertEqual(customer.ardesk_stage, "disputed")
        self.assertEqual(customer.ardesk_disputed_amount, 1200.0)
        self.assertEqual(customer.ardesk_note_count, 3)

    def test_a_reminder_sent_stores_the_customers_follow_up_level_once(self):
        customer = self.customer.with_user(self.collector)
        self.assertFalse(customer.ardesk_followup_level)
        first = self._note(external_id="R-7-00aa", date="2026-11-10", author="ardesk", outcome="e-mail sent",
                           followup_level="first", text="Reminder sent: INV/2026/00001")
        self.assertEqual([r["status"] for r in self._push([first])], ["created"])
        self.assertEqual([r["status"] for r in self._push([first])], ["already there"])
        customer.invalidate_recordset()
        self.assertEqual(customer.ardesk_followup_level, "first")
        self.assertEqual(str(customer.ardesk_followup_date), "2026-11-10")
        self._push([self._note(external_id="N-20", date="2026-11-12", text="Called, no answer")])
        self._push([dict(first, external_id="R-8-00aa", date="2026-11-24", followup_level="second")])
        customer.invalidate_recordset()
        self.assertEqual(customer.ardesk_followup_level, "second")
        self.assertEqual(str(customer.ardesk_followup_date), "2026-11-24")
        posted = self.Note.search([("external_id", "=", "R-8-00aa")]).chatter_message_id
        self.assertIn("Reminder level", posted.body)
        self.assertEqual(posted.model, "res.partner")

    def test_a_collector_never_reads_another_companys_notes(self):
        other = self.Note.with_company(self.company_b).create(
            {"external_id": "N-B", "partner_id": self.customer.id, "company_id": self.company_b.id, "text": "B"}
        )
        mine = self.Note.browse(self._push([self._note()])[0]["id"])
        visible = self.Note.with_user(self.collector).search([])
        self.assertIn(mine, visible)
        self.assertNotIn(other, visible)
        with self.assertRaises(AccessError):
            other.with_user(self.collector).read(["text"])
        self.assertEqual(self.customer.with_user(self.collector).ardesk_note_count, 1)
        # the same Note ID in another company is another note
        result = self.Note.with_company(self.company_b).ardesk_push_notes([self._note()])
        self.assertEqual(result[0]["status"], "created")

    def test_a_collector_writes_notes_but_only_a_manager_deletes_them(self):
        note = self.Note.browse(self._push([self._note()])[0]["id"])
        note.with_user(self.collector).write({"text": "edited"})
        with self.assertRaises(AccessError):
            note.with_user(self.collector).unlink()
        note.with_user(self.manager).unlink()
        self.assertFalse(note.exists())
        plain = new_test_user(self.env, login="ardesk_plain", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.Note.with_user(plain).ardesk_push_notes([self._note(external_id="N-P")])
