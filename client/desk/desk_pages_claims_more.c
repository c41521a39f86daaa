/*
 * Pages: more actions on a claim. Documents brought in after the claim
 * was filed (a clerk), and the city's supplementary payouts (追加赔付) on
 * a paid claim, which the year's cap per claim and budget may refuse:
 * the city's reason is shown in the user's language on the claim page.
 */
#include "desk_pages.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil_date.h"
#include "i18n.h"
#include "money.h"

#define DOCUMENTS_MAX 20
#define REFERENCE_MAX_BYTES 256

/* The claim the form is about; false when it names none. */
static bool form_claim(const desk_form_t *f, int64_t *id)
{
    return cli_parse_int64(desk_form_get(f, "claim_id"), 1, INT64_MAX, id);
}

/* A paper date field: "" (today) or YYYY-MM-DD. */
static bool paper_date_ok(const char *s)
{
    civil_date_t dt;
    return s[0] == '\0' || civil_date_parse(s, strlen(s), &dt);
}

/* Read the form of a POST about one claim; answers the request itself
 * and returns false when there is nothing to act on. */
static bool claim_form_read(desk_t *d, struct evhttp_request *req,
                            desk_form_t *form, int64_t *id)
{
    if (!d->link.logged_in) {
        desk_redirect(req, "/");
        return false;
    }
    if (!desk_form_read(req, form) || !form_claim(form, id)) {
        desk_form_free(form);
        desk_send_plain_error(req, HTTP_BADREQUEST,
                              _("The form could not be read."));
        return false;
    }
    return true;
}

/* Send a change of the claim; *pending_id (when given) is the pending
 * action the change waits as (four eyes), 0 when it took effect. */
static cli_exit_t send_claim_change(desk_t *d, Aixin__V1__Request *rq,
                                    desk_notices_t *notices,
                                    int64_t *pending_id)
{
    Aixin__V1__Response *resp = NULL;
    cli_exit_t rc = desk_link_call(&d->link, rq,
                                   AIXIN__V1__RESPONSE__BODY_CLAIM, false,
                                   &resp, notices);
    if (pending_id != NULL)
        *pending_id = rc == CLI_EXIT_OK && resp != NULL && resp->claim != NULL
                          ? resp->claim->pending_id
                          : 0;
    if (resp != NULL)
        aixin__v1__response__free_unpacked(resp, NULL);
    return rc;
}

/* POST /claim/documents: claim_id, documents (one a line),
 * documents_complete, received_on. */
static void page_claim_documents(desk_t *d, struct evhttp_request *req)
{
    desk_form_t form;
    int64_t id = 0;
    if (!claim_form_read(d, req, &form, &id))
        return;
    desk_notices_t notices = {0};
    Aixin__V1__AddClaimDocuments body = AIXIN__V1__ADD_CLAIM_DOCUMENTS__INIT;
    body.claim_id = id;
    body.documents_complete =
        desk_form_get(&form, "documents_complete")[0] != '\0';
    body.received_on = (char *)desk_form_get(&form, "received_on");
    char *docs = strdup(desk_form_get(&form, "documents"));
    char *doc_ptrs[DOCUMENTS_MAX];
    size_t n_docs = 0;
    bool too_many = false;
    for (char *save = NULL,
              *line = docs != NULL ? strtok_r(docs, "\r\n", &save) : NULL;
         line != NULL; line = strtok_r(NULL, "\r\n", &save)) {
        if (line[0] == '\0')
            continue;
        if (n_docs == DOCUMENTS_MAX) {
            too_many = true;
            break;
        }
        doc_ptrs[n_docs++] = line;
    }
    body.documents = doc_ptrs;
    body.n_documents = n_docs;
    if (docs == NULL)
        desk_notices_add(&notices, NOTICE_REJECTED, NULL, "%s",
                         _("The page could not be made."));
    else if (too_many)
        desk_notices_add(&notices, NOTICE_REJECTED, "documents",
                         _("At most %d documents at a time."), DOCUMENTS_MAX);
    else if (n_docs == 0 && !body.documents_complete)
        desk_notices_add(&notices, NOTICE_REJECTED, "documents", "%s",
                         _("Name the documents received, one a line, or "
                           "tick \"all documents are in\"."));
    else if (!paper_date_ok(body.received_on))
        desk_notices_add(&notices, NOTICE_REJECTED, "received_on", "%s",
                         _("Write the date as YYYY-MM-DD, or leave it empty "
                           "for today."));
    else {
        Aixin__V1__Request rq = AIXIN__V1__REQUEST__INIT;
        rq.body_case = AIXIN__V1__REQUEST__BODY_ADD_CLAIM_DOCUMENTS;
        rq.add_claim_documents = &body;
        if (send_claim_change(d, &rq, &notices, NULL) == CLI_EXIT_OK)
            desk_notices_add(&notices, NOTICE_INFO, NULL,
                             _("%zu documents added to the claim."), n_docs);
    }
    free(docs);
    desk_form_free(&form);
    desk_claim_page_show(d, req, id, &notices);
}

/* POST /claim/supplementary: claim_id, amount_yuan, paid_on, reference. */
static void page_claim_supplementary(desk_t *d, struct evhttp_request *req)
{
    desk_form_t form;
    int64_t id = 0;
    if (!claim_form_read(d, req, &form, &id))
        return;
    desk_notices_t notices = {0};
    Aixin__V1__AddSupplementaryPayout body =
        AIXIN__V1__ADD_SUPPLEMENTARY_PAYOUT__INIT;
    body.claim_id = id;
    body.paid_on = (char *)desk_form_get(&form, "paid_on");
    body.reference = (char *)desk_form_get(&form, "reference");
    const char *amount = desk_form_get(&form, "amount_yuan");
    if (d->link.role != AIXIN__V1__ROLE__ROLE_CITY_ADMIN)
        desk_notices_add(&notices, NOTICE_REJECTED, NULL, "%s",
                         _("Only the city administrator adds "
                           "supplementary payouts."));
    else if (money_parse_yuan(amount, strlen(amount), 0, &body.amount_fen) !=
                 MONEY_OK ||
             body.amount_fen <= 0)
        desk_notices_add(&notices, NOTICE_REJECTED, "amount_yuan", "%s",
                         _("Enter the amount in yuan, e.g. 6000.00."));
    else if (body.reference[0] == '\0' ||
             strlen(body.reference) > REFERENCE_MAX_BYTES)
        desk_notices_add(&notices, NOTICE_REJECTED, "reference", "%s",
                         _("Enter the payment's reference (1 to 64 "
                           "characters)."));
    else if (!paper_date_ok(body.paid_on))
        desk_notices_add(&notices, NOTICE_REJECTED, "paid_on", "%s",
                         _("Write the date as YYYY-MM-DD, or leave it empty "
                           "for today."));
    else {
        Aixin__V1__Request rq = AIXIN__V1__REQUEST__INIT;
        rq.body_case = AIXIN__V1__REQUEST__BODY_ADD_SUPPLEMENTARY_PAYOUT;
        rq.add_supplementary_payout = &body;
        int64_t pending = 0;
        bool sent = send_claim_change(d, &rq, &notices, &pending) ==
                    CLI_EXIT_OK; /* if not, the city's reason is shown */
        if (sent && pending != 0)
            /* Above the year's four-eyes threshold: nothing is paid yet. */
            desk_notices_add(&notices, NOTICE_WARNING, NULL,
                             _("The payout is above the year's four-eyes "
                               "threshold: nothing is recorded yet. It waits "
                               "as pending action %lld until another city "
                               "administrator confirms it on the page "
                               "\"Awaiting confirmation\"."),
                             (long long)pending);
        else if (sent)
            desk_notices_add(&notices, NOTICE_INFO, NULL, "%s",
                             _("The supplementary payout is recorded."));
    }
    desk_form_free(&form);
    desk_claim_page_show(d, req, id, &notices);
}

const desk_route_t desk_claims_more_routes[] = {
    {"/claim/documents", true, page_claim_documents},
    {"/claim/supplementary", true, page_claim_supplementary},
    {NULL, false, NULL},
};
