import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// The walkthrough of the KBE document, clicked by the people who do it. The sales rep:
// customer -> lead with internal memo -> Convert to Opportunity (link the customer) -> revenue and
// probability -> call -> pipeline -> New Quotation (won) -> catering product -> Confirm.
// Then the accountant (crm_kbe_invoice_flow): Invoicing -> Customers -> Orders to Invoice -> the
// order -> Create Invoice -> Confirm.
const CUSTOMER = "PT. KITA Nusantara";
const LEAD = "Katering makan siang kantor";

registry.category("web_tour.tours").add("crm_kbe_sales_flow", {
    url: "/odoo",
    steps: () => [
        // Sales -> Customers -> New
        stepUtils.showAppsMenuItem(),
        { trigger: ".o_app[data-menu-xmlid='sale.sale_menu_root']", run: "click" },
        { trigger: ".o_main_navbar [data-menu-xmlid='sale.sale_order_menu']", run: "click" },
        { trigger: ".o-dropdown--menu [data-menu-xmlid='sale.res_partner_menu']", run: "click" },
        { trigger: ".o_control_panel .o-kanban-button-new", run: "click" },
        { trigger: ".o_field_widget[name=company_type] input[data-value=company]", run: "click" },
        { trigger: ".o_field_widget[name=name] input", run: `edit ${CUSTOMER}` },
        { trigger: ".o_field_widget[name=phone] input", run: "edit 021-4700999" },
        // its contact Yeyen, in "Contacts & Addresses"
        { trigger: ".o_field_widget[name=child_ids] .o-kanban-button-new", run: "click" },
        { trigger: ".modal .o_field_widget[name=name] input", run: "edit Yeyen" },
        { trigger: ".modal .o_form_button_save", run: "click" },
        { trigger: "body:not(:has(.modal))" },
        { trigger: ".o_field_widget[name=child_ids] .o_kanban_record:contains('Yeyen')" },
        { trigger: ".o_form_button_save", run: "click" },
        { trigger: ".o_form_saved" },

        // CRM -> Leads -> New, with the internal memo
        stepUtils.showAppsMenuItem(),
        { trigger: ".o_app[data-menu-xmlid='crm.crm_menu_root']", run: "click" },
        { trigger: ".o_main_navbar [data-menu-xmlid='crm.crm_menu_leads']", run: "click" },
        { trigger: ".o_list_button_add", run: "click" },
        { trigger: ".o_field_widget[name=name] textarea, .o_field_widget[name=name] input", run: `edit ${LEAD}` },
        // the lead names the company and the contact; the wizard finds the customer from them
        { trigger: ".o_field_widget[name=partner_name] input", run: `edit ${CUSTOMER}` },
        { trigger: ".o_field_widget[name=contact_name] input", run: "edit Yeyen" },
        { trigger: ".o_notebook a[name=internal_notes]", run: "click" },
        {
            trigger: ".o_field_widget[name=description] .odoo-editor-editable",
            run: "editor Ingin katering makan siang 150 orang; kirim menu paket A.",
        },
        { trigger: ".o_form_button_save", run: "click" },
        { trigger: ".o_form_saved" },

        // Convert to Opportunity: link the existing customer
        { trigger: ".o_form_view button[name=action_kbe_convert]", run: "click" },
        { trigger: ".modal .o_field_widget[name=customer_action] input[data-value=exist]:checked" },
        { trigger: `.modal .o_field_widget[name=partner_id] input:value(${CUSTOMER})` },
        { trigger: ".modal button[name=action_apply]", run: "click" },
        { trigger: "body:not(:has(.modal))" },

        // expected revenue and probability
        { trigger: ".o_field_widget[name=expected_revenue] input", run: "edit 1500" },
        { trigger: ".o_field_widget[name=probability] input", run: "edit 60" },
        { trigger: ".o_field_widget[name=kbe_margin_percent] input", run: "edit 30" },
        { trigger: ".o_form_button_save", run: "click" },
        { trigger: ".o_form_saved" },

        // Scheduling Logged Calls: plan the call knowing its purpose (the memo), log it as held,
        // schedule the follow-up in the same step
        { trigger: ".o_form_view button[name=action_kbe_view_calls]", run: "click" },
        { trigger: ".o_list_button_add", run: "click" },
        { trigger: ".o_field_widget[name=purpose]:contains('150 orang')" },
        { trigger: ".o_field_widget[name=name] input", run: "edit Kirim menu paket A" },
        { trigger: ".o_form_button_save", run: "click" },
        { trigger: ".o_form_view button[name=action_open_log]", run: "click" },
        { trigger: ".modal .o_field_widget[name=duration] input", run: "edit 00:15" },
        { trigger: ".modal .o_field_widget[name=outcome] select", run: 'select "interested"' },
        { trigger: ".modal .o_field_widget[name=followup] input[data-value=call]", run: "click" },
        { trigger: ".modal button[name=action_apply]", run: "click" },
        {
            trigger:
                ".o_form_view:not(:has(.modal)) .o_statusbar_status .o_arrow_button_current:contains('Held')",
        },
        { trigger: ".o_form_view button[name=action_open_document]", run: "click" },
        { trigger: ".o-mail-Chatter .o-mail-Message:contains('Call held: Kirim menu paket A')" },

        // the pipeline kanban shows it
        { trigger: ".o_main_navbar [data-menu-xmlid='crm.crm_menu_sales']", run: "click" },
        { trigger: ".o-dropdown--menu [data-menu-xmlid='crm.menu_crm_opportunities']", run: "click" },
        { trigger: `.o_opportunity_kanban .o_kanban_record:contains('${LEAD}')`, run: "click" },

        // New Quotation: the opportunity is won; add a catering product; confirm
        { trigger: ".o_form_view button[name=action_sale_quotations_new]", run: "click" },
        { trigger: ".o_field_widget[name=partner_id] input:value(" + CUSTOMER + ")" },
        { trigger: ".o_field_x2many_list_row_add a", run: "click" },
        { trigger: ".o_field_widget[name=product_template_id] input", run: "edit Nasi Kotak" },
        { trigger: ".o-autocomplete--dropdown-item a:contains('Nasi Kotak Paket A')", run: "click" },
        { trigger: ".o_field_widget[name=product_uom_qty] input", run: "edit 150" },
        { trigger: ".o_form_view button[name=action_confirm]", run: "click" },
        { trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Sales Order')" },
        // the order is the accountant's to invoice now: it is saved and nothing is left to edit
        { trigger: ".o_form_view .o_form_saved" },
    ],
});

// The accountant (Invoicing / Billing only, no sales or CRM rights) finds the confirmed order in
// the Invoicing app, creates its invoice with Odoo's own wizard and confirms (posts) it.
registry.category("web_tour.tours").add("crm_kbe_invoice_flow", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        { trigger: ".o_app[data-menu-xmlid='account.menu_finance']", run: "click" },
        { trigger: ".o_main_navbar [data-menu-xmlid='account.menu_finance_receivables']", run: "click" },
        { trigger: ".o-dropdown--menu [data-menu-xmlid='crm_kbe.sale_order_menu_to_invoice']", run: "click" },
        { trigger: `.o_list_view .o_data_row:contains('${CUSTOMER}') td[name=partner_id]`, run: "click" },
        { trigger: ".o_form_view button#create_invoice", run: "click" },
        { trigger: ".modal button#create_invoice_open", run: "click" },
        { trigger: "body:not(:has(.modal))" },
        { trigger: `.o_form_view .o_field_widget[name=partner_id] input:value(${CUSTOMER})` },
        { trigger: ".o_form_view .o_field_widget[name=invoice_line_ids] .o_data_row:contains('Nasi Kotak Paket A')" },
        { trigger: ".o_form_view button[name=action_post]", run: "click" },
        { trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Posted')" },
    ],
});
