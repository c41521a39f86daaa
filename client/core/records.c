/* Protocol messages as output records; see records.h. */
#include "records.h"

#include "names.h"
#include "i18n.h"

/* Table indentation per level of the division tree. */
#define DIVISION_INDENT_PER_LEVEL 2

void records_add_session(output_doc_t *doc, output_record_t *r,
                         const Aixin__V1__Session *s)
{
    output_add_text(doc, r, "username", N_("USER"), s->username);
    output_add_name(doc, r, "role", N_("ROLE"), names_role(s->role));
    output_add_text_or_null(doc, r, "division_code", N_("DIVISION"),
                            s->division_code);
    output_add_time(doc, r, "expires_at", N_("EXPIRES"), s->expires_at);
    output_add_bool(doc, r, "password_change_required",
                    N_("CHANGE PASSWORD"), s->password_change_required);
}

void records_add_account(output_doc_t *doc, output_record_t *r,
                         const Aixin__V1__Account *a)
{
    output_add_int(doc, r, "id", N_("ID"), a->id);
    output_add_text(doc, r, "username", N_("USERNAME"), a->username);
    output_add_name(doc, r, "role", N_("ROLE"), names_role(a->role));
    output_add_text_or_null(doc, r, "division_code", N_("DIVISION"),
                            a->division_code);
    output_add_time(doc, r, "created_at", N_("CREATED"), a->created_at);
    output_add_text_or_null(doc, r, "insurer_code", N_("INSURER"),
                            a->insurer_code);
    output_add_bool(doc, r, "supervisor", N_("SUPERVISOR"), a->supervisor);
}

void records_add_division(output_doc_t *doc, output_record_t *r,
                          const Aixin__V1__Division *d)
{
    unsigned depth = 0;
    if (d->level > AIXIN__V1__DIVISION_LEVEL__DIVISION_LEVEL_CITY &&
        d->level <= AIXIN__V1__DIVISION_LEVEL__DIVISION_LEVEL_TOWNSHIP)
        depth = (unsigned)d->level -
                (unsigned)AIXIN__V1__DIVISION_LEVEL__DIVISION_LEVEL_CITY;
    output_add_text(doc, r, "code", N_("CODE"), d->code);
    output_add_text_indented(doc, r, "name", N_("NAME"), d->name,
                             depth * DIVISION_INDENT_PER_LEVEL);
    output_add_name(doc, r, "level", N_("LEVEL"),
                    names_division_level(d->level));
    output_add_text_or_null(doc, r, "parent_code", N_("PARENT"), d->parent_code);
}

static void records_add_benefit(output_doc_t *doc, output_record_t *r,
                                const Aixin__V1__BenefitCap *b)
{
    output_add_name(doc, r, "event", N_("EVENT"), names_event_type(b->event));
    output_add_money(doc, r, "max_payout_fen", N_("MAX PAYOUT"),
                     b->max_payout_fen);
}

void records_add_policy_year(output_doc_t *doc, output_record_t *r,
                             const Aixin__V1__PolicyYearDetail *y)
{
    static const Aixin__V1__PolicyYearTerms no_terms =
        AIXIN__V1__POLICY_YEAR_TERMS__INIT;
    const Aixin__V1__PolicyYearTerms *t =
        y->terms != NULL ? y->terms : &no_terms;
    output_add_int(doc, r, "year", N_("YEAR"), t->year);
    output_add_text_or_null(doc, r, "reference_date", N_("REFERENCE DATE"),
                            t->reference_date);
    output_add_money(doc, r, "premium_fen", N_("PREMIUM"), t->premium_fen);
    output_add_money(doc, r, "city_subsidy_fen", N_("CITY SUBSIDY"),
                     t->city_subsidy_fen);
    output_add_money(doc, r, "county_share_min_fen", N_("COUNTY MIN"),
                     t->county_share_min_fen);
    output_add_money(doc, r, "county_share_max_fen", N_("COUNTY MAX"),
                     t->county_share_max_fen);
    output_add_int(doc, r, "policies", N_("POLICIES"), y->policies);
    output_add_bool(doc, r, "frozen", N_("FROZEN"), y->frozen);
    output_add_bool(doc, r, "closed", N_("CLOSED"), y->closed);
    /* 0: no limit. */
    output_add_money(doc, r, "supplementary_cap_per_claim_fen",
                     N_("SUPPLEMENTARY CAP PER CLAIM"),
                     t->supplementary_cap_per_claim_fen);
    output_add_money(doc, r, "supplementary_budget_fen",
                     N_("SUPPLEMENTARY BUDGET"), t->supplementary_budget_fen);
    output_add_money(doc, r, "supplementary_paid_fen",
                     N_("SUPPLEMENTARY PAID"), y->supplementary_paid_fen);
    output_list_t *benefits =
        output_add_list(doc, r, "benefits", N_("Benefit caps"));
    for (size_t i = 0; benefits != NULL && i < t->n_benefits; i++)
        records_add_benefit(doc, output_list_add_record(doc, benefits),
                            t->benefits[i]);
}

void records_add_insurer(output_doc_t *doc, output_record_t *r,
                         const Aixin__V1__Insurer *i)
{
    output_add_int(doc, r, "id", N_("ID"), i->id);
    output_add_text(doc, r, "code", N_("CODE"), i->code);
    output_add_text(doc, r, "name", N_("NAME"), i->name);
    output_add_time(doc, r, "created_at", N_("CREATED"), i->created_at);
}

void records_add_county_terms(output_doc_t *doc, output_record_t *r,
                              const Aixin__V1__CountyTerms *t)
{
    output_add_text(doc, r, "county_code", N_("COUNTY"), t->county_code);
    output_add_text_or_null(doc, r, "county_name", N_("NAME"), t->county_name);
    output_add_int(doc, r, "policy_year", N_("YEAR"), t->policy_year);
    output_add_money(doc, r, "city_share_fen", N_("CITY SHARE"),
                     t->city_share_fen);
    output_add_money(doc, r, "county_share_fen", N_("COUNTY SHARE"),
                     t->county_share_fen);
    output_add_money(doc, r, "township_share_fen", N_("TOWNSHIP SHARE"),
                     t->township_share_fen);
    output_add_text(doc, r, "insurer_code", N_("INSURER"), t->insurer_code);
    output_add_text_or_null(doc, r, "insurer_name", N_("INSURER NAME"),
                            t->insurer_name);
    output_add_int(doc, r, "policies", N_("POLICIES"), t->policies);
}

void records_add_census_entry(output_doc_t *doc, output_record_t *r,
                              const Aixin__V1__CensusEntry *e)
{
    output_add_text(doc, r, "township_code", N_("TOWNSHIP"), e->township_code);
    output_add_text_or_null(doc, r, "township_name", N_("NAME"),
                            e->township_name);
    output_add_int(doc, r, "policy_year", N_("YEAR"), e->policy_year);
    output_add_int(doc, r, "eligible_households", N_("ELIGIBLE"),
                   e->eligible_households);
    output_add_int(doc, r, "revision", N_("REVISION"), e->revision);
    output_add_bool(doc, r, "current", N_("CURRENT"), e->current);
    output_add_text_or_null(doc, r, "submitted_by", N_("BY"), e->submitted_by);
    output_add_time(doc, r, "submitted_at", N_("SUBMITTED"), e->submitted_at);
    output_add_text_or_null(doc, r, "note", N_("NOTE"), e->note);
}

void records_add_disbursement(output_doc_t *doc, output_record_t *r,
                              const Aixin__V1__Disbursement *d)
{
    output_add_int(doc, r, "id", N_("ID"), d->id);
    output_add_name(doc, r, "level", N_("LEVEL"), names_funding_level(d->level));
    output_add_text(doc, r, "division_code", N_("DIVISION"), d->division_code);
    output_add_text_or_null(doc, r, "division_name", N_("NAME"),
                            d->division_name);
    output_add_int(doc, r, "policy_year", N_("YEAR"), d->policy_year);
    output_add_money(doc, r, "amount_fen", N_("AMOUNT"), d->amount_fen);
    output_add_text_or_null(doc, r, "paid_on", N_("PAID ON"), d->paid_on);
    output_add_text(doc, r, "reference", N_("REFERENCE"), d->reference);
    output_add_text_or_null(doc, r, "recorded_by", N_("RECORDED BY"),
                            d->recorded_by);
    output_add_time(doc, r, "recorded_at", N_("RECORDED"), d->recorded_at);
}

void records_add_ledger_row(output_doc_t *doc, output_record_t *r,
                            const Aixin__V1__LedgerRow *row)
{
    output_add_name(doc, r, "level", N_("LEVEL"),
                    names_funding_level(row->level));
    output_add_text(doc, r, "division_code", N_("DIVISION"), row->division_code);
    output_add_text_or_null(doc, r, "division_name", N_("NAME"),
                            row->division_name);
    output_add_int(doc, r, "policy_year", N_("YEAR"), row->policy_year);
    output_add_int(doc, r, "policies", N_("POLICIES"), row->policies);
    output_add_money(doc, r, "owed_fen", N_("OWED"), row->owed_fen);
    output_add_money(doc, r, "paid_fen", N_("PAID"), row->paid_fen);
    output_add_money(doc, r, "outstanding_fen", N_("OUTSTANDING"),
                     row->outstanding_fen);
}

void records_add_ledger(output_doc_t *doc, output_record_t *r,
                        const Aixin__V1__Ledger *l)
{
    output_list_t *rows = output_add_list(doc, r, "rows", N_("Ledger"));
    for (size_t i = 0; rows != NULL && i < l->n_rows; i++)
        records_add_ledger_row(doc, output_list_add_record(doc, rows),
                               l->rows[i]);
    output_add_money(doc, r, "city_subsidy_paid_to_date_fen",
                     N_("CITY SUBSIDY PAID TO DATE"),
                     l->city_subsidy_paid_to_date_fen);
}

static void records_add_guardian(output_doc_t *doc, output_record_t *r,
                                 const Aixin__V1__Guardian *g)
{
    output_add_text(doc, r, "id_number", N_("ID NUMBER"), g->id_number);
    output_add_text(doc, r, "name", NC_("person", "NAME"), g->name);
}

void records_add_child(output_doc_t *doc, output_record_t *r,
                       const Aixin__V1__Child *c)
{
    output_add_int(doc, r, "id", N_("ID"), c->id);
    output_add_int(doc, r, "household_id", N_("HOUSEHOLD"), c->household_id);
    output_add_text(doc, r, "id_number", N_("ID NUMBER"), c->id_number);
    output_add_text(doc, r, "name", NC_("person", "NAME"), c->name);
    output_add_name(doc, r, "sex", N_("SEX"), names_sex(c->sex));
    output_add_text_or_null(doc, r, "birth_date", N_("BIRTH DATE"),
                            c->birth_date);
}

void records_add_household(output_doc_t *doc, output_record_t *r,
                           const Aixin__V1__Household *h)
{
    output_add_int(doc, r, "id", N_("ID"), h->id);
    output_add_text(doc, r, "township_code", N_("TOWNSHIP"), h->township_code);
    output_add_text_or_null(doc, r, "township_name", N_("TOWNSHIP NAME"),
                            h->township_name);
    output_add_name(doc, r, "kind", N_("KIND"), names_household_kind(h->kind));
    output_add_text_or_null(doc, r, "certificate_no", N_("CERTIFICATE"),
                            h->certificate_no);
    output_add_time(doc, r, "created_at", N_("CREATED"), h->created_at);

    output_list_t *guardians = output_add_list(doc, r, "guardians", N_("Guardians"));
    for (size_t i = 0; guardians != NULL && i < h->n_guardians; i++)
        records_add_guardian(doc, output_list_add_record(doc, guardians),
                             h->guardians[i]);
    output_list_t *children = output_add_list(doc, r, "children", N_("Children"));
    for (size_t i = 0; children != NULL && i < h->n_children; i++)
        records_add_child(doc, output_list_add_record(doc, children),
                          h->children[i]);
}

void records_add_policy(output_doc_t *doc, output_record_t *r,
                        const Aixin__V1__Policy *p)
{
    output_add_int(doc, r, "id", N_("ID"), p->id);
    output_add_int(doc, r, "policy_year", N_("YEAR"), p->policy_year);
    output_add_int(doc, r, "child_id", NULL, p->child_id);
    output_add_text(doc, r, "child_id_number", N_("CHILD ID NUMBER"),
                    p->child_id_number);
    output_add_text(doc, r, "child_name", N_("CHILD NAME"), p->child_name);
    output_add_int(doc, r, "household_id", N_("HOUSEHOLD"), p->household_id);
    output_add_text(doc, r, "township_code", N_("TOWNSHIP"), p->township_code);
    output_add_money(doc, r, "premium_fen", N_("PREMIUM"), p->premium_fen);
    output_add_money(doc, r, "city_share_fen", N_("CITY SHARE"),
                     p->city_share_fen);
    output_add_money(doc, r, "county_share_fen", N_("COUNTY SHARE"),
                     p->county_share_fen);
    output_add_money(doc, r, "township_share_fen", N_("TOWNSHIP SHARE"),
                     p->township_share_fen);
    output_add_text_or_null(doc, r, "insurer_code", N_("INSURER"),
                            p->insurer_code);
    output_add_time(doc, r, "enrolled_at", N_("ENROLLED"), p->enrolled_at);
}

void records_add_claim(output_doc_t *doc, output_record_t *r,
                       const Aixin__V1__Claim *c)
{
    /* The table columns first, in the order a desk reads a claim: where
     * it stands and by when, whose it is, the money. */
    output_add_int(doc, r, "id", N_("ID"), c->id);
    output_add_name(doc, r, "state", N_("STATE"), names_claim_state(c->state));
    output_add_name(doc, r, "service_class", N_("CLASS"),
                    names_service_class(c->service_class));
    output_add_text_or_null(doc, r, "due_date", N_("DUE"), c->due_date);
    output_add_bool(doc, r, "overdue", N_("OVERDUE"), c->overdue);
    output_add_text(doc, r, "child_name", N_("CHILD"), c->child_name);
    output_add_text_or_null(doc, r, "insurer_code", N_("INSURER"),
                            c->insurer_code);
    output_add_name(doc, r, "event", N_("EVENT"), names_event_type(c->event));
    output_add_money(doc, r, "amount_claimed_fen", N_("CLAIMED"),
                     c->amount_claimed_fen);
    output_add_money(doc, r, "approved_fen", N_("APPROVED"), c->approved_fen);
    output_add_money(doc, r, "paid_fen", N_("PAID"), c->paid_fen);
    output_add_money(doc, r, "supplementary_fen", N_("SUPPLEMENT"),
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
    output_add_int(doc, r, "id", N_("ID"), t->id);
    output_add_text(doc, r, "action", N_("ACTION"), t->action);
    output_add_name(doc, r, "from_state", N_("FROM"),
                    names_claim_state(t->from_state));
    output_add_name(doc, r, "to_state", N_("TO"), names_claim_state(t->to_state));
    output_add_text(doc, r, "actor", N_("BY"), t->actor);
    output_add_text_or_null(doc, r, "effective_on", N_("EFFECTIVE"),
                            t->effective_on);
    output_add_time(doc, r, "recorded_at", N_("RECORDED"), t->recorded_at);
    /* Request ids count up from 1 on each connection: far below INT64_MAX. */
    output_add_int(doc, r, "request_id", N_("REQUEST"), (int64_t)t->request_id);
    output_add_text_or_null(doc, r, "idempotency_key", N_("KEY"),
                            t->idempotency_key);
    output_add_money(doc, r, "amount_fen", N_("AMOUNT"), t->amount_fen);
    output_add_text_or_null(doc, r, "note", N_("NOTE"), t->note);
}
