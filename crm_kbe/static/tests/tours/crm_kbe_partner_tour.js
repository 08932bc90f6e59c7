import { registry } from "@web/core/registry";

// The partner channel from end to end, each step by the person who does it: a prospect reseller
// applies on the portal, the partner program manager qualifies it as Silver, the new partner
// registers a deal, the manager accepts it, and (after the deal is won and invoiced) the manager
// settles the rebates and reads the partner's scorecard. One tour per person; the test chains them.

const tours = registry.category("web_tour.tours");

tours.add("crm_kbe_partner_apply", {
    url: "/my",
    steps: () => [
        {
            content: "The prospect asks to become a partner from My account",
            trigger: "a[href='/my/partnership/apply']",
            run: "click",
        },
        {
            content: "The Silver tier",
            trigger: "form.o_kbe_apply_form select[name='tier_id']",
            run: "selectByLabel Silver",
        },
        {
            content: "What the company does",
            trigger: "form.o_kbe_apply_form textarea[name='message']",
            run: "edit Event organiser di Bekasi: 40 acara per tahun, klien kantor dan pernikahan.",
        },
        {
            content: "The partner agreement, accepted for the company",
            trigger: "form.o_kbe_apply_form input[name='agreement']",
            run: "click",
        },
        {
            content: "Send the application",
            trigger: "form.o_kbe_apply_form button[type='submit']",
            run: "click",
        },
        {
            content: "The application is received",
            trigger: ".o_kbe_applied",
        },
    ],
});

tours.add("crm_kbe_partner_qualify", {
    url: "/odoo/action-crm_kbe.kbe_partner_qualification_action",
    steps: () => [
        {
            content: "Open the application of PT. Calon Mitra",
            trigger: ".o_data_row:contains('PT. Calon Mitra') td[name='kind']",
            run: "click",
        },
        {
            content: "Review the first criterion",
            trigger: ".o_field_widget[name='line_ids'] .o_data_row:nth-child(1) td[name='verdict']",
            run: "click",
        },
        {
            content: "It is met",
            trigger: ".o_field_widget[name='line_ids'] .o_data_row:nth-child(1) td[name='verdict'] select",
            run: 'select "met"',
        },
        {
            content: "Review the second criterion",
            trigger: ".o_field_widget[name='line_ids'] .o_data_row:nth-child(2) td[name='verdict']",
            run: "click",
        },
        {
            content: "It is met",
            trigger: ".o_field_widget[name='line_ids'] .o_data_row:nth-child(2) td[name='verdict'] select",
            run: 'select "met"',
        },
        {
            content: "Save the review",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Approve the application",
            trigger: ".o_form_saved .o_statusbar_buttons button[name='action_approve'], .o_statusbar_buttons button[name='action_approve']",
            run: "click",
        },
        {
            content: "The qualification is approved",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Approved')",
        },
    ],
});

tours.add("crm_kbe_partner_register_deal", {
    url: "/my/partnership",
    steps: () => [
        {
            content: "The new partner's tier is on its partnership page",
            trigger: ".o_kbe_partner_tier:contains('Silver')",
        },
        {
            content: "Register a deal",
            trigger: "a.o_kbe_deal_new",
            run: "click",
        },
        {
            content: "The deal",
            trigger: "form.o_kbe_deal_form input[name='name']",
            run: "edit Gathering akhir tahun PT. Sentosa Abadi",
        },
        {
            content: "The end customer",
            trigger: "form.o_kbe_deal_form input[name='customer_name']",
            run: "edit PT. Sentosa Abadi",
        },
        {
            content: "Its buyer",
            trigger: "form.o_kbe_deal_form input[name='contact_name']",
            run: "edit Bapak Hendra",
        },
        {
            content: "The buyer's e-mail",
            trigger: "form.o_kbe_deal_form input[name='email']",
            run: "edit hendra@sentosa-abadi.example.com",
        },
        {
            content: "Expected revenue",
            trigger: "form.o_kbe_deal_form input[name='expected_revenue']",
            run: "edit 150000000",
        },
        {
            content: "Register it",
            trigger: "form.o_kbe_deal_form .o_kbe_deal_submit",
            run: "click",
        },
        {
            content: "The deal waits for the program manager",
            trigger: ".o_kbe_deal h3:contains('Gathering akhir tahun PT. Sentosa Abadi')",
        },
    ],
});

tours.add("crm_kbe_partner_accept_deal", {
    url: "/odoo/action-crm_kbe.kbe_deal_registration_action",
    steps: () => [
        {
            content: "Open the registered deal",
            trigger: ".o_data_row:contains('PT. Sentosa Abadi') td.o_data_cell:first",
            run: "click",
        },
        {
            content: "Accept it",
            trigger: ".o_statusbar_buttons button[name='action_accept']",
            run: "click",
        },
        {
            content: "Confirm: the customer is protected from other partners",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Its opportunity exists",
            trigger: ".o_form_view button[name='action_view_opportunity']",
        },
    ],
});

tours.add("crm_kbe_partner_settle", {
    url: "/odoo/action-crm_kbe.kbe_incentive_settlement_action",
    steps: () => [
        {
            content: "Open this month's rebate settlement",
            trigger: ".o_data_row:contains('Rebate Mitra Baru') td.o_data_cell:first",
            run: "click",
        },
        {
            content: "Compute each partner's basis and rebate",
            trigger: ".o_statusbar_buttons button[name='action_compute']",
            run: "click",
        },
        {
            content: "The new partner earned a rebate",
            trigger: ".o_field_widget[name='line_ids'] .o_data_row:contains('PT. Calon Mitra')",
        },
        {
            content: "Create the rebate documents",
            trigger: ".o_statusbar_buttons button[name='action_create_documents']",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The settlement is done",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Done')",
        },
    ],
});

tours.add("crm_kbe_partner_scorecard", {
    url: "/odoo/action-crm_kbe.kbe_partner_scorecard_action",
    steps: () => [
        {
            content: "Refresh the scorecards",
            trigger: ".o_list_view button:contains('Refresh'), .o_control_panel button:contains('Refresh')",
            run: "click",
        },
        {
            content: "For this month",
            trigger: ".modal .o_field_widget[name='period_kind'] input[data-value='month']",
            run: "click",
        },
        {
            content: "Refresh",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The new partner ranks with its won deal",
            trigger: ".o_data_row:contains('PT. Calon Mitra'):contains('150,000,000')",
        },
    ],
});
