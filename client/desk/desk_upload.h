/*
 * The file of a multipart/form-data upload (RFC 7578), as browsers send
 * an <input type="file"> without any script: the first part whose
 * Content-Disposition names the field `field`.
 */
#ifndef AIXIN_DESK_UPLOAD_H
#define AIXIN_DESK_UPLOAD_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Find the part of `body` (len bytes, sent with Content-Type
 * `content_type`) for `field`. On true, *data / *data_len point into body.
 * False when the type has no boundary, or the part is missing or torn.
 */
__attribute__((warn_unused_result)) bool
desk_upload_find(const char *content_type, const char *body, size_t len,
                 const char *field, const char **data, size_t *data_len);

#endif
