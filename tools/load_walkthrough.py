"""Load test: a team of sales reps doing the KBE walkthrough at once, over JSON-RPC, against Odoo's
prefork server. ``./kbe load`` runs the three parts below in order; each can also be run alone.

    setup   (as admin, idempotent) a sales team, a product, a customer, the reps
            kbe_load_rep_01..NN (Sales / User: Own Documents Only, password = login) and the
            accountant kbe_load_accountant (Billing):
                python tools/load_walkthrough.py setup --url URL --db DB --users 20
    load    (Locust) each simulated user logs in as its own rep and loops the walkthrough:
            customer → lead with internal memo → crm_kbe's conversion wizard → expected revenue and
            probability → a planned call, logged with the call-log wizard → quotation on the
            opportunity → confirmation → invoice (by the accountant when the rep may not):
                KBE_LOAD_URL=URL KBE_LOAD_DB=DB KBE_LOAD_RUN=TAG KBE_LOAD_COUNTS=FILE \\
                    locust -f tools/load_walkthrough.py --headless -u 20 -r 5 -t 60s --stop-timeout 120 \\
                    --only-summary
            Every request is named after its step, so Locust's table gives requests, failures and
            latency percentiles per step. A JSON-RPC error is a failure of its step, and ends that
            iteration.
    check   (as admin) what the run left in the database: every lead converted once, every order
            on its opportunity, every invoice linked to its order and opportunity, no customer
            twice, and as many records as Locust counted successful steps:
                python tools/load_walkthrough.py check --url URL --db DB --run TAG --counts FILE

Customers, leads and calls carry the run's tag in their names, orders in their reference: runs never
mix. The setup also switches lead enrichment (crm_iap_enrich's cron) to manual: it sends each new
lead to Odoo's IAP service, and where that cannot be reached every run of the cron logs an error.

The client is plain JSON-RPC (``/jsonrpc``, service ``object``, ``execute_kw``) on Locust's
``HttpUser`` session. OdooLocust (2.0) installs, but does not fit: its default protocol is the
``/json/2`` API of Odoo 19 (Odoo 18 has none), and it names every request "model : method", so the
steps that call the same method (two wizard creates, two ``action_apply``) would share one line of
the table, where this test wants one line per walkthrough step.
"""

import argparse
import itertools
import json
import os
import sys
import time
from datetime import datetime, timedelta, timezone

import requests

ADMIN = ("admin", "admin")
REP_LOGIN = "kbe_load_rep_%02d"
ACCOUNTANT_LOGIN = "kbe_load_accountant"
TEAM_NAME = "KBE Load Test Team"
PRODUCT_CODE = "KBE-LOAD-BOX"
SETUP_CUSTOMER = "KBE Load Test Walk-in Customer"
STEPS = (
    "01 create customer",
    "02 create lead",
    "03 convert: open wizard",
    "04 convert: apply",
    "05 set revenue/probability",
    "06 plan call",
    "07 log call: open wizard",
    "08 log call: apply",
    "09 create quotation",
    "10 confirm order",
    "11 invoice",
)
INVOICE_BY_ACCOUNTANT = "11 invoice (accountant)"
CHECKS = {
    "converted": "every lead converted exactly once (type opportunity, one tracked conversion)",
    "orders": "every opportunity has one confirmed order, for its customer",
    "invoices": "every order has one invoice, with the order as origin and its opportunity",
    "customers": "no customer name twice, every lead on its own customer, every call held on its lead",
    "counts": "as many records as Locust counted successful steps",
}
INVOICE_REFUSED = "11 invoice: rep refused, accountant takes over"


class RpcError(Exception):
    """A JSON-RPC error answer: ``name`` is the server's exception class."""

    def __init__(self, name, message):
        super().__init__(f"{name}: {message}")
        self.name = name


def rpc_payload(service, method, args):
    return {"jsonrpc": "2.0", "method": "call", "params": {"service": service, "method": method, "args": args}}


def rpc_result(answer):
    """The result of a JSON-RPC answer, or RpcError."""
    if "error" in answer:
        data = answer["error"].get("data") or {}
        raise RpcError(data.get("name", "error"), data.get("message") or answer["error"].get("message"))
    return answer["result"]


class Rpc:
    """A blocking JSON-RPC client (setup and check)."""

    def __init__(self, url, db, login, password):
        self.url, self.db, self.password = url.rstrip("/"), db, password
        self.session = requests.Session()
        self.uid = self._call("common", "login", [db, login, password])
        if not self.uid:
            raise SystemExit(f"cannot log in to {db} as {login}")

    def _call(self, service, method, args):
        answer = self.session.post(self.url + "/jsonrpc", json=rpc_payload(service, method, args), timeout=300)
        answer.raise_for_status()
        return rpc_result(answer.json())

    def __call__(self, model, method, *args, **kwargs):
        return self._call("object", "execute_kw", [self.db, self.uid, self.password, model, method, list(args), kwargs])


# ------------------------------------------------------------------------------------------------
# setup
# ------------------------------------------------------------------------------------------------


def ensure(rpc, model, domain, values):
    """The id of the record matching ``domain`` (written ``values``), or of a new one."""
    found = rpc(model, "search", domain, limit=1, context={"active_test": False})
    if found:
        rpc(model, "write", found, values)
        return found[0]
    return rpc(model, "create", [values])[0]


def setup(url, db, users):
    rpc = Rpc(url, db, *ADMIN)
    ref = lambda xmlid: rpc("ir.model.data", "check_object_reference", *xmlid.split("."))[1]  # noqa: E731
    company_id = rpc("res.users", "read", [rpc.uid], ["company_id"])[0]["company_id"][0]
    team_id = ensure(rpc, "crm.team", [("name", "=", TEAM_NAME)], {"name": TEAM_NAME, "company_id": company_id})
    product_id = ensure(
        rpc,
        "product.product",
        [("default_code", "=", PRODUCT_CODE)],
        {
            "name": "KBE Load Test Lunch Box (per 50 pax)",
            "default_code": PRODUCT_CODE,
            "type": "consu",
            "sale_ok": True,
            "list_price": 1_250_000.0,
            "invoice_policy": "order",
            "active": True,
            "company_id": False,
        },
    )
    ensure(rpc, "res.partner", [("name", "=", SETUP_CUSTOMER)], {"name": SETUP_CUSTOMER, "is_company": True})
    rep_groups = [ref("base.group_user"), ref("sales_team.group_sale_salesman"), ref("crm.group_use_lead")]
    rep_ids = []
    for number in range(1, users + 1):
        login = REP_LOGIN % number
        rep_ids.append(
            ensure(
                rpc,
                "res.users",
                [("login", "=", login)],
                {
                    "name": f"KBE Load Rep {number:02d}",
                    "login": login,
                    "password": login,
                    "active": True,
                    "company_id": company_id,
                    "company_ids": [(6, 0, [company_id])],
                    "groups_id": [(6, 0, rep_groups)],
                    "email": f"{login}@example.com",
                    "tz": "Asia/Jakarta",
                },
            )
        )
    ensure(
        rpc,
        "res.users",
        [("login", "=", ACCOUNTANT_LOGIN)],
        {
            "name": "KBE Load Accountant",
            "login": ACCOUNTANT_LOGIN,
            "password": ACCOUNTANT_LOGIN,
            "active": True,
            "company_id": company_id,
            "company_ids": [(6, 0, [company_id])],
            "groups_id": [(6, 0, [ref("base.group_user"), ref("account.group_account_invoice")])],
            "email": f"{ACCOUNTANT_LOGIN}@example.com",
        },
    )
    # Lead enrichment ("auto" in the demo data) sends each new lead to Odoo's IAP service from the
    # cron worker; where that service cannot be reached, every run of the cron fails and logs an
    # error: the load test leaves enrichment to be asked for by hand
    enrichment = rpc(
        "ir.model.data",
        "search_read",
        [("module", "=", "crm_iap_enrich"), ("name", "=", "ir_cron_lead_enrichment")],
        ["res_id"],
    )
    if enrichment:
        rpc("ir.cron", "write", [enrichment[0]["res_id"]], {"active": False})
    members = rpc("crm.team.member", "search_read", [("crm_team_id", "=", team_id)], ["user_id"])
    missing = set(rep_ids) - {m["user_id"][0] for m in members}
    if missing:
        rpc("crm.team.member", "create", [{"crm_team_id": team_id, "user_id": uid} for uid in sorted(missing)])
    print(
        f"setup: team {TEAM_NAME!r} (id {team_id}), product {PRODUCT_CODE} (id {product_id}), "
        f"{len(rep_ids)} reps {REP_LOGIN % 1}..{REP_LOGIN % users}, accountant {ACCOUNTANT_LOGIN}"
    )


# ------------------------------------------------------------------------------------------------
# check
# ------------------------------------------------------------------------------------------------


def locust_successes(path):
    """{request name: successful requests}, as the load run wrote them when it stopped."""
    with open(path) as counts:
        return json.load(counts)


def check(url, db, run, counts=None):
    """Print what the run left and return the list of inconsistencies."""
    rpc = Rpc(url, db, *ADMIN)
    tag = f"[{run}]"
    customers = rpc("res.partner", "search_read", [("name", "like", tag)], ["name"], context={"active_test": False})
    leads = rpc(
        "crm.lead",
        "search_read",
        [("name", "like", tag)],
        ["name", "type", "active", "partner_id", "date_conversion", "order_ids", "user_id", "expected_revenue"],
        context={"active_test": False},
    )
    orders = rpc(
        "sale.order",
        "search_read",
        [("opportunity_id", "in", [lead["id"] for lead in leads])],
        ["name", "state", "opportunity_id", "partner_id", "invoice_ids"],
    )
    unlinked_orders = rpc(
        "sale.order", "search_count", [("client_order_ref", "like", tag), ("opportunity_id", "=", False)]
    )
    invoices = rpc(
        "account.move",
        "search_read",
        [("id", "in", [inv for order in orders for inv in order["invoice_ids"]])],
        ["name", "move_type", "invoice_origin", "kbe_opportunity_id", "partner_id"],
    )
    calls = rpc(
        "kbe.call", "search_read", [("name", "like", tag)], ["lead_id", "state"], context={"active_test": False}
    )
    # the conversions, from the chatter's tracking of the lead type
    type_field = rpc("ir.model.fields", "search", [("model", "=", "crm.lead"), ("name", "=", "type")])
    messages = rpc(
        "mail.message",
        "search_read",
        [("model", "=", "crm.lead"), ("res_id", "in", [lead["id"] for lead in leads])],
        ["res_id", "tracking_value_ids"],
    )
    lead_of_message = {m["id"]: m["res_id"] for m in messages}
    trackings = rpc(
        "mail.tracking.value",
        "search_read",
        [("field_id", "in", type_field), ("mail_message_id", "in", list(lead_of_message))],
        ["mail_message_id", "new_value_char"],
    )
    conversions = {lead["id"]: 0 for lead in leads}
    for tracking in trackings:
        conversions[lead_of_message[tracking["mail_message_id"][0]]] += 1

    problems = {key: [] for key in CHECKS}
    names = [c["name"] for c in customers]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        problems["customers"].append(f"{len(duplicates)} customer names twice or more: {duplicates[:5]}")
    for lead in leads:
        if lead["type"] != "opportunity" or not lead["date_conversion"]:
            problems["converted"].append(f"lead {lead['id']} {lead['name']!r} is not converted ({lead['type']})")
        elif conversions[lead["id"]] != 1:
            problems["converted"].append(f"lead {lead['name']!r} converted {conversions[lead['id']]} times")
        if (lead["partner_id"] or [0, ""])[1] != lead["name"].replace(" Lead", " Customer"):
            problems["customers"].append(f"lead {lead['name']!r} is not on its own customer: {lead['partner_id']}")
        if len(lead["order_ids"]) != 1:
            problems["orders"].append(f"opportunity {lead['name']!r} has {len(lead['order_ids'])} orders, not 1")
    lead_by_id = {lead["id"]: lead for lead in leads}
    if unlinked_orders:
        problems["orders"].append(f"{unlinked_orders} orders of the run have no opportunity")
    for order in orders:
        lead = lead_by_id[order["opportunity_id"][0]]
        if order["partner_id"] != lead["partner_id"]:
            problems["orders"].append(f"order {order['name']} is for {order['partner_id']}, not {lead['partner_id']}")
        if order["state"] != "sale":
            problems["orders"].append(f"order {order['name']} is {order['state']}, not confirmed")
        if len(order["invoice_ids"]) != 1:
            problems["invoices"].append(f"order {order['name']} has {len(order['invoice_ids'])} invoices, not 1")
    order_of_invoice = {inv: order for order in orders for inv in order["invoice_ids"]}
    for invoice in invoices:
        order = order_of_invoice[invoice["id"]]
        if invoice["invoice_origin"] != order["name"]:
            problems["invoices"].append(f"invoice {invoice['id']} has origin {invoice['invoice_origin']!r}")
        if (invoice["kbe_opportunity_id"] or [False])[0] != order["opportunity_id"][0]:
            problems["invoices"].append(f"invoice {invoice['id']} is on {invoice['kbe_opportunity_id']}")
    for call in calls:
        if not call["lead_id"] or call["lead_id"][0] not in lead_by_id or call["state"] != "held":
            problems["customers"].append(f"call {call['id']} is {call['state']} on {call['lead_id']}")
    if not leads:
        problems["counts"].append("the run created no lead")

    counted = {
        "customers": (len(customers), ["01 create customer"]),
        "leads": (len(leads), ["02 create lead"]),
        "conversions": (sum(conversions.values()), ["04 convert: apply"]),
        "calls logged": (sum(call["state"] == "held" for call in calls), ["08 log call: apply"]),
        "orders": (len(orders), ["09 create quotation"]),
        "confirmed orders": (sum(order["state"] == "sale" for order in orders), ["10 confirm order"]),
        "invoices": (len(invoices), ["11 invoice", INVOICE_BY_ACCOUNTANT]),
    }
    successes = locust_successes(counts) if counts else None
    print(f"\nConsistency check of run {run} (database {db}, as admin over JSON-RPC)")
    print(f"  {'records':<18} {'in database':>12} {'Locust: steps done':>20}")
    for label, (found, steps) in counted.items():
        done = sum(successes.get(step, 0) for step in steps) if successes is not None else None
        print(f"  {label:<18} {found:>12} {'' if done is None else done:>20}")
        if done is not None and done != found:
            problems["counts"].append(f"{label}: {found} in the database, {done} successful requests")
    per_rep = {}
    for lead in leads:
        rep = lead["user_id"][1] if lead["user_id"] else "nobody"
        per_rep[rep] = per_rep.get(rep, 0) + 1
    print(f"  walkthroughs per rep: {' '.join(str(per_rep[rep]) for rep in sorted(per_rep))} ({len(per_rep)} reps)")
    for key, line in CHECKS.items():
        print(f"  {'FAIL' if problems[key] else 'ok  '} {line}")
    problems = [problem for key in CHECKS for problem in problems[key]]
    if problems:
        print(f"\nINCONSISTENT: {len(problems)} problems")
        for problem in problems[:50]:
            print("  - " + problem)
    else:
        print("\nCONSISTENT")
    return problems


# ------------------------------------------------------------------------------------------------
# load (Locust)
# ------------------------------------------------------------------------------------------------

# Locust imports this file as a module; setup and check run it as a script, without Locust (whose
# gevent patching must come before anything imports ssl)
if __name__ != "__main__":
    from locust import HttpUser, between, events, task

    @events.quitting.add_listener
    def _write_counts(environment, **_kwargs):
        """The successful requests per step, for the consistency check (``KBE_LOAD_COUNTS``)."""
        path = os.environ.get("KBE_LOAD_COUNTS")
        if path:
            entries = environment.stats.entries.values()
            with open(path, "w") as counts:
                json.dump({entry.name: entry.num_requests - entry.num_failures for entry in entries}, counts)

    REP_NUMBERS = itertools.count(1)

    class StepFailed(Exception):
        pass

    class SalesRep(HttpUser):
        """One rep, logged in as its own user, looping the walkthrough."""

        host = os.environ.get("KBE_LOAD_URL", "http://127.0.0.1:8185")
        db = os.environ.get("KBE_LOAD_DB", "kbe_load")
        run_tag = os.environ.get("KBE_LOAD_RUN") or datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")
        wait_time = between(0.5, 1.5)

        def on_start(self):
            self.number = next(REP_NUMBERS)
            self.login = REP_LOGIN % self.number
            self.iteration = 0
            self.accountant_uid = None
            self.uid = self._post("00 login", "common", "login", [self.db, self.login, self.login])
            if not self.uid:
                raise StepFailed(f"{self.login} cannot log in")
            product = [("default_code", "=", PRODUCT_CODE)]
            self.product_id = self.call("00 read setup", "product.product", "search", product, limit=1)[0]
            self.team_id = self.call("00 read setup", "crm.team", "search", [("name", "=", TEAM_NAME)], limit=1)[0]

        def _post(self, name, service, method, args):
            payload = rpc_payload(service, method, args)
            with self.client.post("/jsonrpc", json=payload, name=name, catch_response=True) as answer:
                try:
                    result = rpc_result(answer.json())
                except RpcError as error:
                    answer.failure(str(error)[:300])
                    raise StepFailed(str(error)) from None
                except ValueError:
                    answer.failure(f"HTTP {answer.status_code}: not JSON")
                    raise StepFailed(name) from None
                if answer.status_code != 200:
                    answer.failure(f"HTTP {answer.status_code}")
                    raise StepFailed(name)
                answer.success()
                return result

        def call(self, name, model, method, *args, uid=None, password=None, **kwargs):
            """``execute_kw`` as this rep (or ``uid``/``password``), recorded as step ``name``."""
            args = [self.db, uid or self.uid, password or self.login, model, method, list(args), kwargs]
            return self._post(name, "object", "execute_kw", args)

        def invoice(self, order_id):
            """Invoice as the rep; where Odoo refuses it, as the accountant, as the walkthrough says."""
            if self.accountant_uid is None:
                payload = rpc_payload(
                    "object",
                    "execute_kw",
                    [self.db, self.uid, self.login, "sale.order", "action_kbe_create_invoice", [[order_id]], {}],
                )
                with self.client.post("/jsonrpc", json=payload, name=STEPS[-1], catch_response=True) as answer:
                    body = answer.json()
                    if "error" not in body:
                        answer.success()
                        return rpc_result(body)
                    if (body["error"].get("data") or {}).get("name") != "odoo.exceptions.AccessError":
                        answer.failure(str(body["error"].get("data", {}).get("message"))[:300])
                        raise StepFailed("invoice")
                    # recorded apart: a refusal the walkthrough expects is no failure of the step
                    answer.request_meta["name"] = INVOICE_REFUSED
                    answer.success()
                self.accountant_uid = self._post(
                    "00 login", "common", "login", [self.db, ACCOUNTANT_LOGIN, ACCOUNTANT_LOGIN]
                )
            return self.call(
                INVOICE_BY_ACCOUNTANT,
                "sale.order",
                "action_kbe_create_invoice",
                [order_id],
                uid=self.accountant_uid,
                password=ACCOUNTANT_LOGIN,
            )

        @task
        def walkthrough(self):
            self.iteration += 1
            label = f"[{self.run_tag}] r{self.number:02d}-{self.iteration:04d}"
            try:
                self._walkthrough(label)
            except StepFailed:
                return  # recorded as the failure of its step: the next iteration starts afresh

        def _walkthrough(self, label):
            call = self.call
            partner_id = call(
                STEPS[0],
                "res.partner",
                "create",
                [
                    {
                        "name": f"{label} Customer",
                        "is_company": True,
                        "email": f"events.{self.number:02d}.{self.iteration:04d}@example.com",
                        "phone": f"+62 21 555 {self.number:02d}{self.iteration:04d}",
                        "city": "Jakarta",
                    }
                ],
            )[0]
            lead_id = call(
                STEPS[1],
                "crm.lead",
                "create",
                [
                    {
                        "name": f"{label} Lead",
                        "type": "lead",
                        "partner_id": partner_id,
                        "team_id": self.team_id,
                        "description": "<p>Office lunch for 50 pax, every Friday; asks for a halal menu.</p>",
                    }
                ],
            )[0]
            context = {"active_model": "crm.lead", "active_ids": [lead_id], "active_id": lead_id}
            wizard_id = call(
                STEPS[2],
                "kbe.lead.convert",
                "create",
                [{"name": "convert", "customer_action": "exist", "partner_id": partner_id}],
                context=context,
            )[0]
            call(STEPS[3], "kbe.lead.convert", "action_apply", [wizard_id], context=context)
            call(STEPS[4], "crm.lead", "write", [lead_id], {"expected_revenue": 15_000_000.0, "probability": 60.0})
            planned = (datetime.now(timezone.utc) + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S")
            call_id = call(
                STEPS[5],
                "kbe.call",
                "create",
                [{"name": f"{label} Call", "lead_id": lead_id, "date_planned": planned, "duration_planned": 0.25}],
            )[0]
            log_id = call(
                STEPS[6],
                "kbe.call.log",
                "create",
                [{"call_id": call_id, "result": "held", "duration": 0.2, "outcome": "interested"}],
            )[0]
            call(STEPS[7], "kbe.call.log", "action_apply", [log_id])
            order_id = call(
                STEPS[8],
                "sale.order",
                "create",
                [
                    {
                        "partner_id": partner_id,
                        "opportunity_id": lead_id,
                        "team_id": self.team_id,
                        "client_order_ref": label,
                        "order_line": [(0, 0, {"product_id": self.product_id, "product_uom_qty": 12})],
                    }
                ],
            )[0]
            call(STEPS[9], "sale.order", "action_confirm", [order_id])
            self.invoice(order_id)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["setup", "check"])
    parser.add_argument("--url", default=os.environ.get("KBE_LOAD_URL", "http://127.0.0.1:8185"))
    parser.add_argument("--db", default=os.environ.get("KBE_LOAD_DB", "kbe_load"))
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--run", default=os.environ.get("KBE_LOAD_RUN"))
    parser.add_argument("--counts", help="the KBE_LOAD_COUNTS file of the load run, to compare with the database")
    options = parser.parse_args()
    if options.action == "setup":
        started = time.monotonic()
        setup(options.url, options.db, options.users)
        print(f"setup took {time.monotonic() - started:.1f} s")
        return 0
    if not options.run:
        parser.error("check needs --run (the KBE_LOAD_RUN tag of the load run)")
    return 1 if check(options.url, options.db, options.run, options.counts) else 0


if __name__ == "__main__":
    sys.exit(main())
