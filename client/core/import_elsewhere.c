/* Where a refused import row's child already is; see import_elsewhere.h. */
#include "import_elsewhere.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"

/* The database's wording (deploy/sql 0004 and 0010), as server_text.c
 * matches it. */
static const char child_elsewhere_message[] =
    "this child belongs to another household";

bool import_elsewhere_is_refusal(const char *message)
{
    return message != NULL && strcmp(message, child_elsewhere_message) == 0;
}

/* The household of `child`, or NULL (not found, not in scope, no answer). */
static Aixin__V1__Response *household_of(rpc_client_t *client,
                                         const char *child)
{
    Aixin__V1__FindHousehold body = AIXIN__V1__FIND_HOUSEHOLD__INIT;
    body.child_id_number = (char *)child;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_FIND_HOUSEHOLD;
    req.find_household = &body;
    Aixin__V1__Response *resp = NULL;
    /* Quiet: a refusal here adds nothing to the row's own. */
    if (rpc_client_call_quiet(client, &req,
                              AIXIN__V1__RESPONSE__BODY_HOUSEHOLD,
                              &resp) != CLI_EXIT_OK)
        return NULL;
    return resp;
}

bool import_elsewhere_explain(rpc_client_t *client, import_item_t *items,
                              size_t n_items)
{
    size_t lookups = 0;
    for (size_t i = 0; i < n_items; i++) {
        import_item_t *it = &items[i];
        if (it->status != IMPORT_REFUSED || !it->child_elsewhere ||
            it->refusal == NULL || it->row.msg.child_id_number == NULL)
            continue;
        if (lookups++ == IMPORT_ELSEWHERE_MAX_LOOKUPS)
            break;
        Aixin__V1__Response *resp =
            household_of(client, it->row.msg.child_id_number);
        if (resp == NULL)
            continue;
        const Aixin__V1__Household *h = resp->household;
        char where[256];
        snprintf(where, sizeof(where),
                 _("the child is in household %lld of %s (%s)"),
                 (long long)h->id,
                 h->township_name != NULL && h->township_name[0] != '\0'
                     ? h->township_name
                     : h->township_code,
                 h->township_code);
        aixin__v1__response__free_unpacked(resp, NULL);
        size_t len = strlen(it->refusal) + 2 + strlen(where) + 1;
        char *text = malloc(len);
        if (text == NULL)
            return false;
        snprintf(text, len, "%s; %s", it->refusal, where);
        free(it->refusal);
        it->refusal = text;
    }
    return true;
}
