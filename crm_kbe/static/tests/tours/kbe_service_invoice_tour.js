import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// The accountant (Invoicing / Billing only, no sales, CRM or service rights) invoices the done
// service orders the service manager billed: each went onto a confirmed sales order of the
// customer, which waits in Invoicing -> Customers -> Orders to Invoice. She opens each, creates its
// invoice with Odoo's own wizard and confirms (posts) it, until none of the customer's is left.
const CUSTOMER = "PT. Graha Prasmanan";

function invoiceNextOrder(part) {
    return [
        { trigger: ".o_main_navbar [data-menu-xmlid='account.menu_finance_receivables']", run: "click" },
        { trigger: ".o-dropdown--menu [data-menu-xmlid='crm_kbe.sale_order_menu_to_invoice']", run: "click" },
        {
            content: `Open an order of ${CUSTOMER} waiting to be invoiced`,
            trigger: `.o_list_view .o_data_row:contains('${CUSTOMER}') td[name=partner_id]`,
            run: "click",
        },
        {
            content: "It is the service order's confirmed sales order",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Sales Order')",
        },
        { trigger: `.o_form_view .o_field_widget[name=order_line] .o_data_row:contains('${part}')` },
        { trigger: ".o_form_view button#create_invoice", run: "click" },
        { trigger: ".modal button#create_invoice_open", run: "click" },
        { trigger: "body:not(:has(.modal))" },
        { trigger: `.o_form_view .o_field_widget[name=partner_id] input:value(${CUSTOMER})` },
        {
            content: "The invoice bills the part used",
            trigger: `.o_form_view .o_field_widget[name=invoice_line_ids] .o_data_row:contains('${part}')`,
        },
        {
            content: "and the technician's time",
            trigger: ".o_form_view .o_field_widget[name=invoice_line_ids] .o_data_row:contains('Jam teknisi')",
        },
        { trigger: ".o_form_view button[name=action_post]", run: "click" },
        { trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Posted')" },
    ];
}

registry.category("web_tour.tours").add("kbe_service_invoice_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        { trigger: ".o_app[data-menu-xmlid='account.menu_finance']", run: "click" },
        // the orders of the two service orders, in the order the list shows them (newest first)
        ...invoiceNextOrder("Termostat"),
        ...invoiceNextOrder("Elemen pemanas"),
        { trigger: ".o_main_navbar [data-menu-xmlid='account.menu_finance_receivables']", run: "click" },
        { trigger: ".o-dropdown--menu [data-menu-xmlid='crm_kbe.sale_order_menu_to_invoice']", run: "click" },
        { trigger: ".o_control_panel .o_last_breadcrumb_item:contains('Orders to Invoice')" },
        {
            content: "Nothing of the customer is left to invoice",
            trigger: `.o_action_manager:not(:has(.o_data_row:contains('${CUSTOMER}')))`,
        },
    ],
});
