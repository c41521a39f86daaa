/* Shared by the page groups: the import's lifetime and the ID check. */
#ifndef AIXIN_DESK_PAGES_H
#define AIXIN_DESK_PAGES_H

#include "desk_app.h"

/* Wait for a running import and free it (the desk is stopping). */
void desk_import_stop(desk_t *d);

/* Wait for a running export and free it (the desk is stopping). */
void desk_export_stop(desk_t *d);

/* The claim page of claim `id` with `notices` (desk_pages_claims.c), for
 * the pages that act on a claim. */
void desk_claim_page_show(desk_t *d, struct evhttp_request *req, int64_t id,
                          desk_notices_t *notices);

#endif
