/*
 * Division scope, checked before a request reaches the database (which
 * checks it again against the division table). Codes follow GB/T 2260: a
 * city XXXX00 covers the counties XXXXnn, a county's 6-digit code prefixes
 * its 9-digit townships.
 */
#ifndef AIXIN_SCOPE_H
#define AIXIN_SCOPE_H

#include <stdbool.h>

/* Whether the division `scope` contains (or is) the division `target`. */
bool scope_contains(const char *scope, const char *target);

#endif
