"""Take the README screenshots from a running crm_kbe database, in headless Chromium.

    KBE_DB=kbe KBE_HTTP_PORT=8069 ./kbe run &        # the demo database, serving
    ~/.cache/crm_kbe/venv-py3.11/bin/python tools/take_screenshots.py --url http://localhost:8069 --db kbe

Logs in over JSON-RPC, hands the session cookie to Chromium and drives it over the Chrome
DevTools protocol (websocket-client, in requirements.txt): nothing is downloaded. Writes
docs/screenshots/<name>.png at 1366x768.
"""

import argparse
import base64
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

import requests
import websocket

ROOT = Path(__file__).resolve().parent.parent
CHROME_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]
# find_button(text): the first visible button whose text is `text`
FIND_BUTTON = (
    "(t => [...document.querySelectorAll('button')].find(" "b => b.offsetParent && b.textContent.trim() === t))"
)


class Odoo:
    def __init__(self, url, db, login, password):
        self.url, self.session = url.rstrip("/"), requests.Session()
        self._call("/web/session/authenticate", {"db": db, "login": login, "password": password})

    def _call(self, path, params):
        reply = self.session.post(self.url + path, json={"jsonrpc": "2.0", "params": params}, timeout=60).json()
        if reply.get("error"):
            raise RuntimeError(reply["error"]["data"]["message"])
        return reply["result"]

    def ref(self, xmlid):
        module, name = xmlid.split(".")
        rows = self._call(
            "/web/dataset/call_kw",
            {
                "model": "ir.model.data",
                "method": "search_read",
                "args": [[("module", "=", module), ("name", "=", name)], ["res_id"]],
                "kwargs": {},
            },
        )
        return rows[0]["res_id"]


class Browser:
    def __init__(self, width, height):
        self.profile = tempfile.mkdtemp(prefix="kbe-shots-")
        chrome = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
        self.proc = subprocess.Popen(
            [chrome, *CHROME_FLAGS, f"--user-data-dir={self.profile}", "--remote-debugging-port=0", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = Path(self.profile) / "DevToolsActivePort"
        for _ in range(100):
            if port_file.is_file() and port_file.read_text().strip():
                break
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        pages = requests.get(f"http://127.0.0.1:{port}/json/list", timeout=10).json()
        page = next(target for target in pages if target["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60, suppress_origin=True)
        self.next_id = 0
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)

    def send(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def js(self, expression):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        return result.get("result", {}).get("value")

    def wait_for(self, selector, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.js(f"!!document.querySelector({json.dumps(selector)})"):
                time.sleep(1.0)  # let fonts, images and animations settle
                return
            time.sleep(0.3)
        raise TimeoutError(f"{selector} did not appear")

    def shoot(self, path):
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self):
        self.ws.close()
        self.proc.terminate()
        self.proc.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)


def shots(odoo):
    """(name, url, selector to wait for, JavaScript to run then, selector to wait for after it)"""
    opportunity = odoo.ref("crm_kbe.crm_lead_sari_proposition_demo")
    lead = odoo.ref("crm_kbe.crm_lead_kita_lead_demo")
    ticket = odoo.ref("crm_kbe.kbe_ticket_late_delivery_demo")
    return [
        ("pipeline", "/odoo/crm", ".o_opportunity_kanban .o_kanban_record", None, None),
        ("opportunity_form", f"/odoo/crm/{opportunity}", ".o_form_view [name='kbe_margin_amount']", None, None),
        (
            "conversion_wizard",
            f"/odoo/action-crm.crm_lead_all_leads/{lead}",
            ".o_form_view .o_statusbar_buttons",
            f"{FIND_BUTTON}('Convert to Opportunity').click()",
            ".modal .o_form_view",
        ),
        (
            "call_calendar",
            "/odoo/action-crm_kbe.kbe_call_action?view_type=calendar",
            ".o_calendar_view .o_kbe_call_event",
            # every agent's calls (not only "My Calls"), from the earliest of the week on
            """(async () => {
                document.querySelector('.o_searchview_facet .o_facet_remove').click();
                await new Promise((resolve) => setTimeout(resolve, 1500));
                const calls = [...document.querySelectorAll('.fc-timegrid-event-harness')];
                const top = (el) => el.getBoundingClientRect().top;
                calls.sort((a, b) => top(a) - top(b))[0].scrollIntoView({block: 'start'});
            })()""",
            None,
        ),
        ("ticket", f"/odoo/action-crm_kbe.kbe_ticket_action/{ticket}", ".o_form_view .o_field_widget", None, None),
        (
            "dispatch_board",
            "/odoo/action-crm_kbe.kbe_service_order_action_dispatch",
            ".o_kbe_dispatch_grid tbody tr",
            # the demo plans the technicians' visits from tomorrow on: on a weekend, next week
            "luxon.DateTime.local().weekday >= 6 && document.querySelector('.o_kbe_dispatch_next').click()",
            ".o_kbe_dispatch_grid .o_kbe_dispatch_card:not(.o_kbe_dispatch_closed)",
        ),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", default="kbe")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--size", default="1366x768")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--only", nargs="*", help="names of the screenshots to take")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    odoo = Odoo(args.url, args.db, args.login, args.password)
    width, height = (int(n) for n in args.size.split("x"))
    browser = Browser(width, height)
    try:
        host = urlparse(args.url).hostname
        browser.send(
            "Network.setCookie", name="session_id", value=odoo.session.cookies["session_id"], domain=host, path="/"
        )
        for name, path, ready, script, after in shots(odoo):
            if args.only and name not in args.only:
                continue
            browser.send("Page.navigate", url=args.url.rstrip("/") + path)
            browser.wait_for(ready)
            if script:
                browser.js(script)
                if after:
                    browser.wait_for(after)
            target = out / f"{name}.png"
            browser.shoot(target)
            print(f"{target}: {target.stat().st_size // 1024} KB")
    finally:
        browser.close()


if __name__ == "__main__":
    main()
