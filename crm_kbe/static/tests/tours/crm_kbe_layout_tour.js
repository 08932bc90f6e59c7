import { registry } from "@web/core/registry";

// Layout guards: they read the sizes of what the sales rep sees (getBoundingClientRect) and fail
// on the defects seen at 1366x768 and 1920x1080: crm_kbe's card lines wrapping, amounts without a
// label, the margin overlapping the probability, a field shown twice, a short call unreadable.

const OPPORTUNITY = "Katering kantor pusat";
const CALL = "Konfirmasi menu rapat";
const CUSTOMER = "PT. Nusantara Boga Sejahtera";

function fail(message) {
    throw new Error(`Layout check failed: ${message}`);
}

function visible(el) {
    const rect = el.getBoundingClientRect();
    return rect.width > 0 && rect.height > 0;
}

// a and b overlap, or are closer than `gap` pixels to each other
function overlap(a, b, gap = 0) {
    const r1 = a.getBoundingClientRect();
    const r2 = b.getBoundingClientRect();
    return (
        r1.left < r2.right + gap &&
        r2.left < r1.right + gap &&
        r1.top < r2.bottom + gap &&
        r2.top < r1.bottom + gap
    );
}

function nextFrame() {
    return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50)));
}

// Each of crm_kbe's lines on the card is one line high and stays inside the card.
function checkCardLines(card) {
    const lines = card.querySelectorAll(".o_kbe_card_line");
    if (lines.length !== 2) {
        fail(`the card shows ${lines.length} crm_kbe lines, expected figures and next call`);
    }
    const cardRect = card.getBoundingClientRect();
    for (const line of lines) {
        const rect = line.getBoundingClientRect();
        const lineHeight = parseFloat(getComputedStyle(line).lineHeight);
        if (!(rect.height <= lineHeight * 1.5)) {
            fail(`"${line.textContent.trim()}" is ${rect.height}px high, one line is ${lineHeight}px`);
        }
        if (rect.left < cardRect.left - 0.5 || rect.right > cardRect.right + 0.5) {
            fail(`"${line.textContent.trim()}" overflows the card`);
        }
    }
    const figures = card.querySelector(".o_kbe_card_figures").textContent.replace(/\s+/g, " ");
    for (const expected of ["70 %", "35 %"]) {
        if (!figures.includes(expected)) {
            fail(`the card's figures "${figures}" do not show ${expected}`);
        }
    }
}

// Every amount of the form sits in its own labelled row (or column): the row has one label and
// one amount.
function checkAmountsLabelled(form) {
    const amounts = [...form.querySelectorAll(".o_field_monetary")].filter(
        (el) => visible(el) && !el.closest(".oe_button_box, .o_field_x2many")
    );
    if (amounts.length < 3) {
        fail(`only ${amounts.length} amounts on the opportunity form`);
    }
    for (const amount of amounts) {
        const row = amount.closest(".o_wrap_field, .col-auto");
        const labels = row ? [...row.querySelectorAll(".o_form_label")].filter(visible) : [];
        const siblings = row ? [...row.querySelectorAll(".o_field_monetary")].filter(visible) : [];
        if (labels.length !== 1 || siblings.length !== 1) {
            fail(`the amount ${amount.getAttribute("name")} has no label of its own`);
        }
    }
}

// The margin column, its label included, does not overlap the probability and its automatic
// probability widget, nor touch them: at least a space (8px) between them.
function checkMarginBesideProbability(form) {
    const margin = form.querySelector(".o_form_sheet [name='kbe_margin_percent']").closest(".col-auto");
    const marginParts = [...margin.querySelectorAll(".o_form_label, .o_field_widget")];
    const probabilityParts = [
        ...form.querySelectorAll(
            "[name='probability'], [name='automated_probability'], button[name='action_set_automated_probability']"
        ),
        form.querySelector("label[for^='probability']"),
        // the automatic probability and its "%" sign
        form.querySelector("[name='automated_probability']")?.parentElement,
    ].filter((el) => el && visible(el));
    if (probabilityParts.length < 5) {
        fail("the probability and its automatic probability widget are not shown");
    }
    const marginCol = margin.getBoundingClientRect();
    for (const part of probabilityParts) {
        if (margin.contains(part)) {
            fail("the probability is inside the margin column");
        }
        for (const marginPart of marginParts) {
            if (overlap(part, marginPart, 8)) {
                fail(`the margin overlaps ${part.getAttribute("name") || part.textContent.trim()}`);
            }
        }
    }
    const label = margin.querySelector(".o_form_label").getBoundingClientRect();
    if (label.left < marginCol.left - 0.5 || label.right > marginCol.right + 0.5) {
        fail("the Margin label leaves its column");
    }
}

// Each field of the form (header, sheet and every tab) is shown once, and no group is empty
// (a title over nothing).
async function checkFieldsOnce(form) {
    const counts = {};
    const count = (root, outsideNotebook) => {
        for (const group of root.querySelectorAll(".o_inner_group")) {
            const title = group.querySelector(".o_horizontal_separator");
            if (title && !group.closest(".o_field_widget") && !group.querySelector(".o_field_widget, .o_form_label, button")) {
                fail(`the group "${title.textContent.trim()}" is empty`);
            }
        }
        for (const el of root.querySelectorAll(".o_field_widget[name]")) {
            if ((outsideNotebook && el.closest(".o_notebook")) || el.parentElement.closest(".o_field_widget")) {
                continue;
            }
            const name = el.getAttribute("name");
            counts[name] = (counts[name] || 0) + 1;
        }
    };
    count(form, true);
    const tabs = [...form.querySelectorAll(".o_notebook_headers .nav-link")];
    if (!tabs.length) {
        fail("the form has no tabs");
    }
    for (const tab of tabs) {
        tab.click();
        await nextFrame();
        count(form.querySelector(".o_notebook .tab-content"), false);
    }
    const twice = Object.keys(counts).filter((name) => counts[name] > 1);
    if (twice.length) {
        fail(`fields shown more than once: ${twice.join(", ")}`);
    }
    return counts;
}

registry.category("web_tour.tours").add("crm_kbe_layout_pipeline_tour", {
    url: "/odoo/crm",
    steps: () => [
        {
            content: "crm_kbe's lines on the opportunity card fit the card, one line each",
            trigger: `.o_opportunity_kanban .o_kanban_record:contains('${OPPORTUNITY}') .o_kbe_next_call`,
            run() {
                checkCardLines(this.anchor.closest(".o_kanban_record"));
            },
        },
        {
            content: "Open the opportunity",
            trigger: `.o_opportunity_kanban .o_kanban_record:contains('${OPPORTUNITY}')`,
            run: "click",
        },
        {
            content: "Every amount has a label, the margin beside the probability, each field once",
            trigger: ".o_form_view .o_form_sheet [name='kbe_margin_amount']",
            async run() {
                const form = this.anchor.closest(".o_form_view");
                checkAmountsLabelled(form);
                checkMarginBesideProbability(form);
                const counts = await checkFieldsOnce(form);
                for (const name of ["kbe_realized_revenue", "prorated_revenue", "kbe_needs"]) {
                    if (counts[name] !== 1) {
                        fail(`${name} is not on the opportunity form`);
                    }
                }
            },
        },
        {
            content: "Back to the pipeline",
            trigger: ".o_breadcrumb .o_back_button a, .o_breadcrumb .breadcrumb-item a",
            run: "click",
        },
        {
            content: "Switch to the list",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "The opportunity list has one column per field, one probability",
            trigger: `.o_list_view .o_data_row:contains('${OPPORTUNITY}')`,
            run() {
                const names = [...document.querySelectorAll(".o_list_view thead th[data-name]")].map((th) =>
                    th.getAttribute("data-name")
                );
                const twice = names.filter((name, index) => names.indexOf(name) !== index);
                if (twice.length || names.filter((name) => name === "probability").length !== 1) {
                    fail(`list columns: ${names.join(", ")}`);
                }
            },
        },
    ],
});

registry.category("web_tour.tours").add("crm_kbe_layout_partner_tour", {
    steps: () => [
        {
            content: "Each field of the customer's form is shown once, Profile tab included",
            trigger: ".o_form_view .o_notebook_headers .nav-link:contains('Profile')",
            async run() {
                const form = this.anchor.closest(".o_form_view");
                const counts = await checkFieldsOnce(form);
                for (const name of ["category_id", "industry_id", "kbe_company_size"]) {
                    if (counts[name] !== 1) {
                        fail(`${name} is not on the customer's form`);
                    }
                }
            },
        },
    ],
});

registry.category("web_tour.tours").add("crm_kbe_layout_calendar_tour", {
    steps: () => [
        {
            content: "A 15-minute call shows its subject and its customer, both readable",
            trigger: `.o_calendar_view .fc-event:contains('${CALL}')`,
            run() {
                const event = this.anchor;
                const title = event.querySelector(".o_event_title");
                const customer = event.querySelector(".o_kbe_call_customer");
                if (!title || !title.textContent.includes(CALL)) {
                    fail("the call's subject is not on the calendar");
                }
                if (!customer || customer.textContent.trim() !== CUSTOMER) {
                    fail("the call's customer is not on the calendar");
                }
                const box = event.getBoundingClientRect();
                for (const line of [title, customer]) {
                    const rect = line.getBoundingClientRect();
                    const lineHeight = parseFloat(getComputedStyle(line).lineHeight);
                    if (rect.height < lineHeight * 0.9 || rect.top < box.top - 0.5 || rect.bottom > box.bottom + 0.5) {
                        fail(`"${line.textContent.trim()}" is cut off by the call's box (${box.height}px high)`);
                    }
                }
            },
        },
    ],
});
