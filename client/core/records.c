/* Protocol messages as output records; see records.h. */
#include "records.h"

#include "names.h"

/* Table indentation per level of the division tree. */
#define DIVISION_INDENT_PER_LEVEL 2

void records_add_session(output_doc_t *doc, output_record_t *r,
                         const Aixin__V1__Session *s)
{
    output_add_text(doc, r, "username", "USER", s->username);
    output_add_text(doc, r, "role", "ROLE", names_role(s->role));
    output_add_text_or_null(doc, r, "division_code", "DIVISION",
                            s->division_code);
    output_add_time(doc, r, "expires_at", "EXPIRES", s->expires_at);
}

void records_add_account(output_doc_t *doc, output_record_t *r,
                         const Aixin__V1__Account *a)
{
    output_add_int(doc, r, "id", "ID", a->id);
    output_add_text(doc, r, "username", "USERNAME", a->username);
    output_add_text(doc, r, "role", "ROLE", names_role(a->role));
    output_add_text_or_null(doc, r, "division_code", "DIVISION",
                            a->division_code);
    output_add_time(doc, r, "created_at", "CREATED", a->created_at);
    output_add_text_or_null(doc, r, "insurer_code", "INSURER",
                            a->insurer_code);
    output_add_bool(doc, r, "supervisor", "SUPERVISOR", a->supervisor);
}

void records_add_division(output_doc_t *doc, output_record_t *r,
                          const Aixin__V1__Division *d)
{
    unsigned depth = 0;
    if (d->level > AIXIN__V1__DIVISION_LEVEL__DIVISION_LEVEL_CITY &&
        d->level <= AIXIN__V1__DIVISION_LEVEL__DIVISION_LEVEL_TOWNSHIP)
        depth = (unsigned)d->level -
                (unsigned)AIXIN__V1__DIVISION_LEVEL__DIVISION_LEVEL_CITY;
    output_add_text(doc, r, "code", "CODE", d->code);
    output_add_text_indented(doc, r, "name", "NAME", d->name,
                             depth * DIVISION_INDENT_PER_LEVEL);
    output_add_text(doc, r, "level", "LEVEL",
                    names_division_level(d->level));
    output_add_text_or_null(doc, r, "parent_code", "PARENT", d->parent_code);
}

static void records_add_benefit(output_doc_t *doc, output_record_t *r,
                                const Aixin__V1__BenefitCap *b)
{
    output_add_text(doc, r, "event", "EVENT", names_event_type(b->event));
    output_add_money(doc, r, "max_payout_fen", "MAX PAYOUT",
                     b->max_payout_fen);
}

void records_add_policy_year(output_doc_t *doc, output_record_t *r,
                             const Aixin__V1__PolicyYearDetail *y)
{
    static const Aixin__V1__PolicyYearTerms no_terms =
        AIXIN__V1__POLICY_YEAR_TERMS__INIT;
    const Aixin__V1__PolicyYearTerms *t =
        y->terms != NULL ? y->terms : &no_terms;
    output_add_int(doc, r, "year", "YEAR", t->year);
    output_add_text_or_null(doc, r, "reference_date", "REFERENCE DATE",
                            t->reference_date);
    output_add_money(doc, r, "premium_fen", "PREMIUM", t->premium_fen);
    output_add_money(doc, r, "city_subsidy_fen", "CITY SUBSIDY",
                     t->city_subsidy_fen);
    output_add_money(doc, r, "county_share_min_fen", "COUNTY MIN",
                     t->county_share_min_fen);
    output_add_money(doc, r, "county_share_max_fen", "COUNTY MAX",
                     t->county_share_max_fen);
    output_add_int(doc, r, "policies", "POLICIES", y->policies);
    output_add_bool(doc, r, "frozen", "FROZEN", y->frozen);
    output_list_t *benefits =
        output_add_list(doc, r, "benefits", "Benefit caps");
    for (size_t i = 0; benefits != NULL && i < t->n_benefits; i++)
        records_add_benefit(doc, output_list_add_record(doc, benefits),
                            t->benefits[i]);
}

void records_add_insurer(output_doc_t *doc, output_record_t *r,
                         const Aixin__V1__Insurer *i)
{
    output_add_int(doc, r, "id", "ID", i->id);
    output_add_text(doc, r, "code", "CODE", i->code);
    output_add_text(doc, r, "name", "NAME", i->name);
    output_add_time(doc, r, "created_at", "CREATED", i->created_at);
}

void records_add_county_terms(output_doc_t *doc, output_record_t *r,
                              const Aixin__V1__CountyTerms *t)
{
    output_add_text(doc, r, "county_code", "COUNTY", t->county_code);
    output_add_text_or_null(doc, r, "county_name", "NAME", t->county_name);
    output_add_int(doc, r, "policy_year", "YEAR", t->policy_year);
    output_add_money(doc, r, "city_share_fen", "CITY SHARE",
                     t->city_share_fen);
    output_add_money(doc, r, "county_share_fen", "COUNTY SHARE",
                     t->county_share_fen);
    output_add_money(doc, r, "township_share_fen", "TOWNSHIP SHARE",
                     t->township_share_fen);
    output_add_text(doc, r, "insurer_code", "INSURER", t->insurer_code);
    output_add_text_or_null(doc, r, "insurer_name", "INSURER NAME",
                            t->insurer_name);
    output_add_int(doc, r, "policies", "POLICIES", t->policies);
}

void records_add_census_entry(output_doc_t *doc, output_record_t *r,
                              const Aixin__V1__CensusEntry *e)
{
    output_add_text(doc, r, "township_code", "TOWNSHIP", e->township_code);
    output_add_text_or_null(doc, r, "township_name", "NAME",
                            e->township_name);
    output_add_int(doc, r, "policy_year", "YEAR", e->policy_year);
    output_add_int(doc, r, "eligible_households", "ELIGIBLE",
                   e->eligible_households);
    output_add_int(doc, r, "revision", "REVISION", e->revision);
    output_add_bool(doc, r, "current", "CURRENT", e->current);
    output_add_text_or_null(doc, r, "submitted_by", "BY", e->submitted_by);
    output_add_time(doc, r, "submitted_at", "SUBMITTED", e->submitted_at);
    output_add_text_or_null(doc, r, "note", "NOTE", e->note);
}

void records_add_disbursement(output_doc_t *doc, output_record_t *r,
                              const Aixin__V1__Disbursement *d)
{
    output_add_int(doc, r, "id", "ID", d->id);
    output_add_text(doc, r, "level", "LEVEL", names_funding_level(d->level));
    output_add_text(doc, r, "division_code", "DIVISION", d->division_code);
    output_add_text_or_null(doc, r, "division_name", "NAME",
                            d->division_name);
    output_add_int(doc, r, "policy_year", "YEAR", d->policy_year);
    output_add_money(doc, r, "amount_fen", "AMOUNT", d->amount_fen);
    output_add_text_or_null(doc, r, "paid_on", "PAID ON", d->paid_on);
    output_add_text(doc, r, "reference", "REFERENCE", d->reference);
    output_add_text_or_null(doc, r, "recorded_by", "RECORDED BY",
                            d->recorded_by);
    output_add_time(doc, r, "recorded_at", "RECORDED", d->recorded_at);
}

void records_add_ledger_row(output_doc_t *doc, output_record_t *r,
                            const Aixin__V1__LedgerRow *row)
{
    output_add_text(doc, r, "level", "LEVEL",
                    names_funding_level(row->level));
    output_add_text(doc, r, "division_code", "DIVISION", row->division_code);
    output_add_text_or_null(doc, r, "division_name", "NAME",
                            row->division_name);
    output_add_int(doc, r, "policy_year", "YEAR", row->policy_year);
    output_add_int(doc, r, "policies", "POLICIES", row->policies);
    output_add_money(doc, r, "owed_fen", "OWED", row->owed_fen);
    output_add_money(doc, r, "paid_fen", "PAID", row->paid_fen);
    output_add_money(doc, r, "outstanding_fen", "OUTSTANDING",
                     row->outstanding_fen);
}

void records_add_ledger(output_doc_t *doc, output_record_t *r,
                        const Aixin__V1__Ledger *l)
{
    output_list_t *rows = output_add_list(doc, r, "rows", "Ledger");
    for (size_t i = 0; rows != NULL && i < l->n_rows; i++)
        records_add_ledger_row(doc, output_list_add_record(doc, rows),
                               l->rows[i]);
    output_add_money(doc, r, "city_subsidy_paid_to_date_fen",
                     "CITY SUBSIDY PAID TO DATE",
                     l->city_subsidy_paid_to_date_fen);
}

static void records_add_guardian(output_doc_t *doc, output_record_t *r,
                                 const Aixin__V1__Guardian *g)
{
    output_add_text(doc, r, "id_number", "ID NUMBER", g->id_number);
    output_add_text(doc, r, "name", "NAME", g->name);
}

void records_add_child(output_doc_t *doc, output_record_t *r,
                       const Aixin__V1__Child *c)
{
    output_add_int(doc, r, "id", "ID", c->id);
    output_add_int(doc, r, "household_id", "HOUSEHOLD", c->household_id);
    output_add_text(doc, r, "id_number", "ID NUMBER", c->id_number);
    output_add_text(doc, r, "name", "NAME", c->name);
    output_add_text(doc, r, "sex", "SEX", names_sex(c->sex));
    output_add_text_or_null(doc, r, "birth_date", "BIRTH DATE",
                            c->birth_date);
}

void records_add_household(output_doc_t *doc, output_record_t *r,
                           const Aixin__V1__Household *h)
{
    output_add_int(doc, r, "id", "ID", h->id);
    output_add_text(doc, r, "township_code", "TOWNSHIP", h->township_code);
    output_add_text_or_null(doc, r, "township_name", "TOWNSHIP NAME",
                            h->township_name);
    output_add_text(doc, r, "kind", "KIND", names_household_kind(h->kind));
    output_add_text_or_null(doc, r, "certificate_no", "CERTIFICATE",
                            h->certificate_no);
    output_add_time(doc, r, "created_at", "CREATED", h->created_at);

    output_list_t *guardians = output_add_list(doc, r, "guardians", "Guardians");
    for (size_t i = 0; guardians != NULL && i < h->n_guardians; i++)
        records_add_guardian(doc, output_list_add_record(doc, guardians),
                             h->guardians[i]);
    output_list_t *children = output_add_list(doc, r, "children", "Children");
    for (size_t i = 0; children != NULL && i < h->n_children; i++)
        records_add_child(doc, output_list_add_record(doc, children),
                          h->children[i]);
}

void records_add_policy(output_doc_t *doc, output_record_t *r,
                        const Aixin__V1__Policy *p)
{
    output_add_int(doc, r, "id", "ID", p->id);
    output_add_int(doc, r, "policy_year", "YEAR", p->policy_year);
    output_add_int(doc, r, "child_id", NULL, p->child_id);
    output_add_text(doc, r, "child_id_number", "CHILD ID NUMBER",
                    p->child_id_number);
    output_add_text(doc, r, "child_name", "CHILD NAME", p->child_name);
    output_add_int(doc, r, "household_id", "HOUSEHOLD", p->household_id);
    output_add_text(doc, r, "township_code", "TOWNSHIP", p->township_code);
    output_add_money(doc, r, "premium_fen", "PREMIUM", p->premium_fen);
    output_add_money(doc, r, "city_share_fen", "CITY SHARE",
                     p->city_share_fen);
    output_add_money(doc, r, "county_share_fen", "COUNTY SHARE",
                     p->county_share_fen);
    output_add_money(doc, r, "township_share_fen", "TOWNSHIP SHARE",
                     p->township_share_fen);
    output_add_text_or_null(doc, r, "insurer_code", "INSURER",
                            p->insurer_code);
    output_add_time(doc, r, "enrolled_at", "ENROLLED", p->enrolled_at);
}

void records_add_claim(output_doc_t *doc, output_record_t *r,
                       const Aixin__V1__Claim *c)
{
    /* The table columns first, in the order a desk reads a claim: where
     * it stands and by when, whose it is, the money. */
    output_add_int(doc, r, "id", "ID", c->id);
    output_add_text(doc, r, "state", "STATE", names_claim_state(c->state));
    output_add_text(doc, r, "service_class", "CLASS",
                    names_service_class(c->service_class));
    output_add_text_or_null(doc, r, "due_date", "DUE", c->due_date);
    output_add_bool(doc, r, "overdue", "OVERDUE", c->overdue);
    output_add_text(doc, r, "child_name", "CHILD", c->child_name);
    output_add_text_or_null(doc, r, "insurer_code", "INSURER",
                            c->insurer_code);
    output_add_text(doc, r, "event", "EVENT", names_event_type(c->event));
    output_add_money(doc, r, "amount_claimed_fen", "CLAIMED",
                     c->amount_claimed_fen);
    output_add_money(doc, r, "approved_fen", "APPROVED", c->approved_fen);
    output_add_money(doc, r, "paid_fen", "PAID", c->paid_fen);
    output_add_money(doc, r, "supplementary_fen", "SUPPLEMENT",
                     c->supplementary_fen);
    /* JSON only. */
    output_add_int(doc, r, "policy_id", NULL, c->policy_id);
    output_add_int(doc, r, "policy_year", NULL, c->policy_year);
    output_add_text(doc, r, "child_id_number", NULL, c->child_id_number);
    output_add_text_or_null(doc, r, "township_code", NULL, c->township_code);
    output_add_text_or_null(doc, r, "incident_date", NULL, c->incident_date);
    output_add_bool(doc, r, "documents_complete", NULL,
                    c->documents_complete);
    output_add_bool(doc, r, "doubt", NULL, c->doubt);
    output_add_text_or_null(doc, r, "description", NULL, c->description);
    output_add_text_or_null(doc, r, "clock_start_date", NULL,
                            c->clock_start_date);
    output_add_text_or_null(doc, r, "decision_reason", NULL,
                            c->decision_reason);
    output_add_text_or_null(doc, r, "paid_on", NULL, c->paid_on);
    output_add_text(doc, r, "payment_method", NULL,
                    names_payment_method(c->payment_method));
    output_add_bool(doc, r, "delivered_home", NULL, c->delivered_home);
    output_add_bool(doc, r, "home_delivery_required", NULL,
                    c->home_delivery_required);
    output_add_text_or_null(doc, r, "received_on", NULL, c->received_on);
    output_add_time(doc, r, "filed_at", NULL, c->filed_at);
}

void records_add_claim_transition(output_doc_t *doc, output_record_t *r,
                                  const Aixin__V1__ClaimTransition *t)
{
    output_add_int(doc, r, "id", "ID", t->id);
    output_add_text(doc, r, "action", "ACTION", t->action);
    output_add_text(doc, r, "from_state", "FROM",
                    names_claim_state(t->from_state));
    output_add_text(doc, r, "to_state", "TO", names_claim_state(t->to_state));
    output_add_text(doc, r, "actor", "BY", t->actor);
    output_add_text_or_null(doc, r, "effective_on", "EFFECTIVE",
                            t->effective_on);
    output_add_time(doc, r, "recorded_at", "RECORDED", t->recorded_at);
    /* Request ids count up from 1 on each connection: far below INT64_MAX. */
    output_add_int(doc, r, "request_id", "REQUEST", (int64_t)t->request_id);
    output_add_text_or_null(doc, r, "idempotency_key", "KEY",
                            t->idempotency_key);
    output_add_money(doc, r, "amount_fen", "AMOUNT", t->amount_fen);
    output_add_text_or_null(doc, r, "note", "NOTE", t->note);
}
