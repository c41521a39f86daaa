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

void records_add_policy_year(output_doc_t *doc, output_record_t *r,
                             const Aixin__V1__PolicyYear *y)
{
    output_add_int(doc, r, "year", "YEAR", y->year);
    output_add_text(doc, r, "reference_date", "REFERENCE DATE",
                    y->reference_date);
    output_add_money(doc, r, "premium_fen", "PREMIUM", y->premium_fen);
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
    output_add_time(doc, r, "enrolled_at", "ENROLLED", p->enrolled_at);
}
