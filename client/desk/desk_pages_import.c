/* Pages: importing an enrollment file (not yet served by the desk). */
#include "desk_pages.h"

void desk_import_stop(desk_t *d)
{
    (void)d;
}

const desk_route_t desk_import_routes[] = {
    {NULL, false, NULL},
};
