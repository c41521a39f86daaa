/* Shared by the page groups: the import's lifetime and the ID check. */
#ifndef AIXIN_DESK_PAGES_H
#define AIXIN_DESK_PAGES_H

#include "desk_app.h"

/* Wait for a running import and free it (the desk is stopping). */
void desk_import_stop(desk_t *d);

#endif
