/*
 * Rows of an import refused because their child already belongs to
 * another household: the refusal is told where the child is, as
 * `aixin enroll` and `household add-child` tell it, when that household
 * is within the user's scope (the server answers the lookup, and audits
 * it, as any FindHousehold; outside the scope nothing is added).
 */
#ifndef AIXIN_CLIENT_IMPORT_ELSEWHERE_H
#define AIXIN_CLIENT_IMPORT_ELSEWHERE_H

#include <stdbool.h>
#include <stddef.h>

#include "import_send.h"
#include "rpc.h"

/* Lookups made for one import at most: beyond, the refusals stay as the
 * server gave them (a file of thousands of such rows is a wrong file,
 * not a list to explain row by row). */
#define IMPORT_ELSEWHERE_MAX_LOOKUPS 200

/* Whether the server's message `message` is the refusal of a child that
 * belongs to another household. */
bool import_elsewhere_is_refusal(const char *message);

/* Add the household and township to each refused item whose
 * child_elsewhere is set. False only when memory ran out. */
__attribute__((warn_unused_result)) bool
import_elsewhere_explain(rpc_client_t *client, import_item_t *items,
                         size_t n_items);

#endif
