/*
 * The ID number check of the desk's forms, on the server side of the
 * page (the page's script does the same while the clerk types): the
 * number's own rules (idcard.h), then for a child its age on the policy
 * year's reference date, which must be 0 to 6 (the database refuses 7
 * and older the same way).
 */
#ifndef AIXIN_DESK_IDCHECK_H
#define AIXIN_DESK_IDCHECK_H

#include <stdbool.h>

#include "civil_date.h"
#include "idcard.h"

#define DESK_IDCHECK_TEXT_SIZE 256
#define DESK_CHILD_MAX_AGE 6

typedef struct desk_idcheck {
    bool ok;
    idcard_info_t info;                  /* when the number is well formed */
    bool has_age;
    int age;                             /* on the reference date */
    char message[DESK_IDCHECK_TEXT_SIZE]; /* translated reason when !ok */
} desk_idcheck_t;

/*
 * Check `id` (already upper-cased). `reference` may be NULL (no year
 * known): then no age check. `child` asks for the age rule.
 */
void desk_idcheck_run(const char *id, const civil_date_t *reference,
                      bool child, desk_idcheck_t *out);

#endif
