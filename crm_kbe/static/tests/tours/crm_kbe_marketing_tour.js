import { registry } from "@web/core/registry";

// A campaign from segment to evaluation, by the marketing user (crm_kbe Marketing User: Sales own
// documents + Email Marketing user): she builds the segment of the best catering customers in
// Jakarta, plans a campaign over it with an e-mail and a telemarketing activity, sends the
// mailing, makes the calls, logs two of them as held with a positive outcome and makes the
// leads from them.

const SEGMENT = "Pelanggan katering terbaik di Jakarta";
const CAMPAIGN = "Menu baru prasmanan Jakarta";

function openMarketingMenu(xmlid, content) {
    return [
        {
            content: "Open CRM → Marketing",
            trigger: ".o_main_navbar [data-menu-xmlid='crm_kbe.kbe_marketing_menu_root']",
            run: "click",
        },
        {
            content,
            trigger: `.o-dropdown--menu [data-menu-xmlid='crm_kbe.${xmlid}']`,
            run: "click",
        },
    ];
}

function logCall(customer, outcome) {
    return [
        {
            content: `Open the call with ${customer}`,
            trigger: `.o_list_view .o_data_row:contains('${customer}') td[name='partner_id']`,
            run: "click",
        },
        {
            content: "Log the call",
            trigger: ".o_form_view button[name='action_open_log']",
            run: "click",
        },
        {
            content: "It was held, ten minutes",
            trigger: ".modal .o_field_widget[name='duration'] input",
            run: "edit 00:10",
        },
        {
            content: "Its outcome",
            trigger: ".modal .o_field_widget[name='outcome'] select",
            run: `select "${outcome}"`,
        },
        {
            content: "What the customer said",
            trigger: ".modal .o_field_widget[name='notes'] .odoo-editor-editable",
            run: `editor ${customer} tertarik dengan menu prasmanan baru`,
        },
        {
            content: "Log it",
            trigger: ".modal button[name='action_apply']",
            run: "click",
        },
        {
            content: "The call is held",
            trigger: ".o_form_view:not(:has(.modal)) .o_statusbar_status .o_arrow_button_current:contains('Held')",
        },
        {
            content: "Back to the campaign's calls",
            trigger: ".o_breadcrumb .breadcrumb-item:not(.active) a:contains('Calls')",
            run: "click",
        },
        {
            content: "The call is held in the list",
            trigger: `.o_list_view .o_data_row:contains('${customer}'):contains('Held')`,
        },
    ];
}

registry.category("web_tour.tours").add("crm_kbe_marketing_tour", {
    url: "/odoo/crm",
    steps: () => [
        // the segment
        ...openMarketingMenu("kbe_segment_menu", "Open the segments"),
        {
            content: "A new segment",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Its name",
            trigger: ".o_form_view .o_field_widget[name='name'] input",
            run: `edit ${SEGMENT}`,
        },
        {
            content: "Value tier: Champions",
            trigger: ".o_field_widget[name='tier_champion'] input",
            run: "click",
        },
        {
            content: "Value tier: Loyal",
            trigger: ".o_field_widget[name='tier_loyal'] input",
            run: "click",
        },
        {
            content: "City: Jakarta",
            trigger: ".o_field_widget[name='city'] input",
            run: "edit Jakarta",
        },
        {
            content: "Save the segment",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Its members are counted",
            trigger: ".o_form_view .oe_stat_button:has(.o_stat_text:contains('Members')) .o_stat_value:contains(/^3$/)",
        },
        {
            content: "All of them reachable by e-mail",
            trigger: ".o_form_view .oe_stat_button:has(.o_stat_text:contains('By E-mail')) .o_stat_value:contains(/^3$/)",
        },
        {
            content: "And by phone",
            trigger: ".o_form_view .oe_stat_button:has(.o_stat_text:contains('By Phone')) .o_stat_value:contains(/^3$/)",
        },
        {
            content: "Open the members",
            trigger: ".o_notebook .nav-link:contains('Members')",
            run: "click",
        },
        {
            content: "Mitra Boga is one of the best",
            trigger: ".o_field_widget[name='member_ids'] .o_data_row:contains('PT. Mitra Boga Jakarta')",
        },
        {
            content: "Cahaya Kantin too; Warung Lama, who last ordered long ago, is not",
            trigger: ".o_field_widget[name='member_ids']:not(:has(.o_data_row:contains('Warung Lama'))) .o_data_row:contains('PT. Cahaya Kantin Sejahtera')",
        },
        // the campaign
        ...openMarketingMenu("kbe_campaign_menu", "Open the campaigns"),
        {
            content: "A new campaign",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Its name",
            trigger: ".o_form_view .o_field_widget[name='title'] input",
            run: `edit ${CAMPAIGN}`,
        },
        {
            content: "Its target segment",
            trigger: ".o_field_widget[name='kbe_segment_ids'] input",
            run: "edit Pelanggan katering terbaik",
        },
        {
            content: "The segment just built",
            trigger: `.o-autocomplete--dropdown-item:contains('${SEGMENT}')`,
            run: "click",
        },
        {
            content: "The segment is the campaign's",
            trigger: `.o_field_widget[name='kbe_segment_ids'] .o_tag:contains('${SEGMENT}')`,
        },
        {
            content: "Save the campaign",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Open its channel activities",
            trigger: ".o_form_view button[name='action_view_kbe_activities']",
            run: "click",
        },
        // the e-mail
        {
            content: "A new activity",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Its name",
            trigger: ".o_form_view .o_field_widget[name='name'] input",
            run: "edit E-mail menu prasmanan baru",
        },
        {
            content: "By e-mail",
            trigger: ".o_field_widget[name='channel'] select",
            run: "select \"email\"",
        },
        {
            content: "Over the campaign's segment",
            trigger: `.o_field_widget[name='segment_ids'] .o_tag:contains('${SEGMENT}')`,
        },
        {
            content: "Save the activity",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Prepare its mailing",
            trigger: ".o_form_view button[name='action_kbe_prepare_mailing']",
            run: "click",
        },
        {
            content: "The mailing goes to the segment's customers by e-mail",
            trigger: ".o_form_view .o_field_widget[name='subject'] input:value('E-mail menu prasmanan baru')",
        },
        {
            content: "Send it",
            trigger: ".o_form_view .o_form_statusbar button[name='action_launch']",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer button:contains('Send to all')",
            run: "click",
        },
        {
            content: "The mailing is in the queue",
            trigger: ".o_form_view:not(:has(.modal)) .o_statusbar_status .o_arrow_button_current:contains('In Queue')",
        },
        {
            content: "Back to the activities",
            trigger: ".o_breadcrumb .breadcrumb-item:not(.active) a:contains('Channel Activities')",
            run: "click",
        },
        // the calls
        {
            content: "The e-mail is running",
            trigger: ".o_list_view .o_data_row:contains('E-mail menu prasmanan baru'):contains('Running')",
        },
        {
            content: "A new activity",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Its name",
            trigger: ".o_form_view .o_field_widget[name='name'] input",
            run: "edit Telepon menu prasmanan baru",
        },
        {
            content: "By telemarketing",
            trigger: ".o_field_widget[name='channel'] select",
            run: "select \"telemarketing\"",
        },
        {
            content: "The call team",
            trigger: ".o_field_widget[name='team_id'] input",
            run: "edit Telemarketing Kampanye",
        },
        {
            content: "Telemarketing Kampanye",
            trigger: ".o-autocomplete--dropdown-item:contains('Telemarketing Kampanye')",
            run: "click",
        },
        {
            content: "Save the activity",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Create its calls",
            trigger: ".o_form_view button[name='action_kbe_create_calls']",
            run: "click",
        },
        {
            content: "One call per customer reachable by phone",
            trigger: ".o_list_view .o_data_row:contains('PT. Cahaya Kantin Sejahtera')",
        },
        ...logCall("PT. Mitra Boga Jakarta", "interested"),
        ...logCall("PT. Cahaya Kantin Sejahtera", "info_sent"),
        {
            content: "Back to the telemarketing activity",
            trigger: ".o_breadcrumb .breadcrumb-item:not(.active) a:contains('Telepon menu prasmanan baru')",
            run: "click",
        },
        {
            content: "Make the leads from the calls",
            trigger: ".o_form_view button[name='action_kbe_leads_from_calls']",
            run: "click",
        },
        {
            content: "Mitra Boga's lead, of the campaign",
            trigger: `.o_list_view .o_data_row:contains('PT. Mitra Boga Jakarta – ${CAMPAIGN}')`,
        },
        {
            content: "And Cahaya Kantin's",
            trigger: `.o_list_view .o_data_row:contains('PT. Cahaya Kantin Sejahtera – ${CAMPAIGN}')`,
        },
    ],
});

// After the mass-mailing queue has run: the campaign's evaluation.
registry.category("web_tour.tours").add("crm_kbe_marketing_evaluation_tour", {
    url: "/odoo/crm",
    steps: () => [
        ...openMarketingMenu("kbe_campaign_menu", "Open the campaigns"),
        {
            content: "Side by side with the other campaigns: two responses",
            trigger: `.o_list_view .o_data_row:contains('${CAMPAIGN}') td[name='kbe_responded']:contains(/^2$/)`,
        },
        {
            content: "Open the campaign",
            trigger: `.o_list_view .o_data_row:contains('${CAMPAIGN}') td[name='title']`,
            run: "click",
        },
        {
            content: "Open its evaluation",
            trigger: ".o_notebook .nav-link:contains('Evaluation')",
            run: "click",
        },
        {
            content: "Reached: the e-mails sent and the calls held",
            trigger: ".o_field_widget[name='kbe_reached'] span:contains(/^5$/)",
        },
        {
            content: "Responded: the two calls with a positive outcome",
            trigger: ".o_field_widget[name='kbe_responded'] span:contains(/^2$/)",
        },
        {
            content: "Two leads",
            trigger: ".o_field_widget[name='kbe_lead_count'] span:contains(/^2$/)",
        },
        {
            content: "More smart buttons",
            trigger: ".o_form_view .o-form-buttonbox .o_button_more",
            run: "click",
        },
        {
            content: "Open the analysis from the campaign's leads",
            trigger: ".o-dropdown--menu button[name='action_view_kbe_analysis']:contains('Campaign Leads')",
            run: "click",
        },
        {
            content: "As a list",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "The telemarketing activity: two responses, two leads",
            trigger: ".o_list_view .o_data_row:contains('Telepon menu prasmanan baru'):has(td[name='responded']:contains(/^2$/)) td[name='lead_count']:contains(/^2$/)",
        },
        {
            content: "The e-mail reached its recipients",
            trigger: ".o_list_view .o_data_row:contains('E-mail menu prasmanan baru') td[name='reached']:contains(/^3$/)",
        },
    ],
});
