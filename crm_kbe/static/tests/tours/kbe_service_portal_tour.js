import { registry } from "@web/core/registry";

// The portal customer, on her company's open ticket: sends a photo from My account -> Support
// Tickets, finds it listed, closes the ticket, rates it (with a comment) on Odoo's rating page and
// finds her rating on the closed ticket.
const TICKET = "Pemanas prasmanan mati saat acara";
const FILE = "foto-pemanas.png";

registry.category("web_tour.tours").add("kbe_service_portal_tour", {
    url: "/my/tickets",
    steps: () => [
        {
            content: "Open her ticket from the list",
            trigger: `tr.o_kbe_portal_ticket:contains('${TICKET}') td:nth-child(2) a`,
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The ticket page, with no file yet",
            trigger: `.o_kbe_portal_ticket_page h3:contains('${TICKET}')`,
        },
        { trigger: ".o_kbe_ticket_attachments:not(:has(.o_kbe_ticket_attachment))" },
        {
            content: "Choose a photo of the cold warmer",
            trigger: "form.o_kbe_ticket_attach_form input[name='attachments']",
            run() {
                const transfer = new DataTransfer();
                transfer.items.add(new File(["foto pemanas dingin"], FILE, { type: "image/png" }));
                this.anchor.files = transfer.files;
            },
        },
        {
            content: "Send it",
            trigger: "form.o_kbe_ticket_attach_form button.o_kbe_ticket_attach",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The photo is listed with the ticket's files",
            trigger: `.o_kbe_ticket_attachments .o_kbe_ticket_attachment a:contains('${FILE}')`,
        },
        {
            content: "The problem is solved: close the ticket",
            trigger: "button.o_kbe_ticket_close",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The ticket is closed and asks for a rating",
            trigger: ".o_kbe_portal_ticket_page:has(button.o_kbe_ticket_reopen) .o_kbe_ticket_rating",
        },
        {
            content: "Satisfied",
            trigger: ".o_kbe_ticket_rating a[href$='/5']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Odoo's rating page, Satisfied chosen",
            trigger: ".o_rating_page_submit label.o_rating_label.active[for='rate_5']",
        },
        {
            content: "A comment for the service desk",
            trigger: ".o_rating_page_submit textarea[name='feedback']",
            run: "edit Teknisi datang cepat, pemanas menyala lagi.",
        },
        {
            content: "Send the feedback",
            trigger: ".o_rating_page_submit button[type='submit']",
            run: "click",
            expectUnloadPage: true,
        },
        { trigger: ".o_rating_page_thank_you" },
        {
            content: "Back to her closed tickets",
            trigger: "body",
            run: "goToUrl /my/tickets?filterby=closed",
            expectUnloadPage: true,
        },
        {
            content: "The closed ticket",
            trigger: `tr.o_kbe_portal_ticket:contains('${TICKET}') td:nth-child(2) a`,
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "It shows her rating and asks no more",
            trigger: ".o_kbe_portal_ticket_page:not(:has(.o_kbe_ticket_rating)) .o_kbe_ticket_rated",
        },
        { trigger: `.o_kbe_ticket_attachments .o_kbe_ticket_attachment a:contains('${FILE}')` },
    ],
});
