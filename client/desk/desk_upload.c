/* The file part of a multipart/form-data body; see desk_upload.h. */
#include "desk_upload.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define BOUNDARY_MAX 200 /* RFC 2046: at most 70; room for "\r\n--" */

/* "--BOUNDARY" of the Content-Type, quoted or not. */
static bool boundary_of(const char *content_type, char *out, size_t size)
{
    if (strncasecmp(content_type, "multipart/form-data", 19) != 0)
        return false;
    const char *b = strcasestr(content_type, "boundary=");
    if (b == NULL)
        return false;
    b += 9;
    size_t len;
    if (*b == '"') {
        b++;
        const char *end = strchr(b, '"');
        if (end == NULL)
            return false;
        len = (size_t)(end - b);
    } else {
        len = strcspn(b, "; \t");
    }
    if (len == 0 || len > 70 || len + 5 > size)
        return false;
    snprintf(out, size, "--%.*s", (int)len, b);
    return true;
}

/* Whether the part's headers name the field: name="field". */
static bool headers_name(const char *h, size_t len, const char *field)
{
    char want[128];
    snprintf(want, sizeof(want), "name=\"%s\"", field);
    return memmem(h, len, want, strlen(want)) != NULL;
}

bool desk_upload_find(const char *content_type, const char *body, size_t len,
                      const char *field, const char **data, size_t *data_len)
{
    char boundary[BOUNDARY_MAX];
    if (content_type == NULL ||
        !boundary_of(content_type, boundary, sizeof(boundary)))
        return false;
    size_t blen = strlen(boundary);
    const char *end = body + len;
    const char *p = memmem(body, len, boundary, blen);
    while (p != NULL) {
        p += blen;
        if (end - p >= 2 && p[0] == '-' && p[1] == '-')
            return false; /* the closing boundary */
        if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
            return false;
        p += 2;
        const char *hend = memmem(p, (size_t)(end - p), "\r\n\r\n", 4);
        if (hend == NULL)
            return false;
        const char *content = hend + 4;
        /* The part ends at CRLF before the next boundary. */
        const char *next = content;
        const char *found = NULL;
        while ((next = memmem(next, (size_t)(end - next), boundary, blen)) !=
               NULL) {
            if (next - content >= 2 && next[-2] == '\r' && next[-1] == '\n') {
                found = next;
                break;
            }
            next += 1;
        }
        if (found == NULL)
            return false;
        if (headers_name(p, (size_t)(hend - p), field)) {
            *data = content;
            *data_len = (size_t)(found - 2 - content);
            return true;
        }
        p = found;
    }
    return false;
}
