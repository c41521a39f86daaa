/*
 * The protocol's operations (the daemon's names of request bodies, as in
 * "role may not register_insurer") in words for a person, so that a
 * refusal says what was refused rather than an identifier.
 */
#ifndef AIXIN_CLIENT_OPERATION_NAMES_H
#define AIXIN_CLIENT_OPERATION_NAMES_H

/* The translated label of operation `name` ("register_insurer"), or NULL
 * when it is not one. Borrowed. */
const char *operation_label(const char *name);

#endif
