/*
 * The desk's multipart/form-data reader (client/desk/desk_upload.c) on
 * hostile bodies: what a page of another program, or a broken browser,
 * could post to the import page. Input: the Content-Type up to the first
 * newline, then the body. Besides crashes and sanitizer reports, it checks
 * that a part found lies inside the body.
 */
#include "../../client/desk/desk_upload.c"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    if (nl == NULL)
        return 0;
    size_t type_len = (size_t)(nl - data);
    char *type = malloc(type_len + 1);
    /* The body in a buffer of its own size, so reads past it are caught. */
    size_t body_len = size - type_len - 1;
    char *body = malloc(body_len + 1);
    if (type == NULL || body == NULL) {
        free(type);
        free(body);
        return 0;
    }
    memcpy(type, data, type_len);
    type[type_len] = '\0';
    memcpy(body, nl + 1, body_len);
    const char *part = NULL;
    size_t part_len = 0;
    if (desk_upload_find(type, body, body_len, "file", &part, &part_len) &&
        (part < body || part_len > body_len ||
         (size_t)(part - body) > body_len - part_len))
        abort();
    free(type);
    free(body);
    return 0;
}
