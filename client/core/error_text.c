/* The server's typed errors for people; see error_text.h. */
#include "error_text.h"

#include <stdbool.h>
#include <stdio.h>

#include "field_names.h"
#include "i18n.h"
#include "names.h"
#include "server_text.h"

static bool use_field_paths;
static bool use_form_labels;

void error_text_use_form_labels(bool on)
{
    use_form_labels = on;
}

void error_text_use_field_paths(bool on)
{
    use_field_paths = on;
}

void error_text_where(const char *field, char *out, size_t size)
{
    if (size == 0)
        return;
    out[0] = '\0';
    if (field == NULL || field[0] == '\0')
        return;
    if (use_field_paths)
        snprintf(out, size, _("field: %s"), field);
    else if (use_form_labels)
        snprintf(out, size, _("form field: %s"),
                 field_name_find(field) != NULL ? field_name_label(field)
                                                : field);
    else
        field_name_describe_option(field, out, size);
}

const char *error_text_reason(Aixin__V1__ErrorCode code)
{
    switch (code) {
    case AIXIN__V1__ERROR_CODE__ERROR_CODE_BAD_FRAME:
        return _("the message was damaged on the way");
    case AIXIN__V1__ERROR_CODE__ERROR_CODE_FRAME_TOO_LARGE:
        return _("the message is too large");
    case AIXIN__V1__ERROR_CODE__ERROR_CODE_UNSUPPORTED_VERSION:
        return _("this client is too old or too new for the server");
    case AIXIN__V1__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT:
        return _("invalid input");
    case AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED:
        return _("not logged in, wrong password or session expired");
    case AIXIN__V1__ERROR_CODE__ERROR_CODE_PERMISSION_DENIED:
        return _("not allowed for your role or division");
    case AIXIN__V1__ERROR_CODE__ERROR_CODE_NOT_FOUND:
        return _("no such record in your division");
    case AIXIN__V1__ERROR_CODE__ERROR_CODE_ALREADY_EXISTS:
        return _("already registered");
    case AIXIN__V1__ERROR_CODE__ERROR_CODE_RULE_VIOLATION:
        return _("not allowed by the programme's rules");
    case AIXIN__V1__ERROR_CODE__ERROR_CODE_KEY_REUSED:
        return _("this change was already sent with other contents");
    case AIXIN__V1__ERROR_CODE__ERROR_CODE_IN_PROGRESS:
        return _("the same change is still being processed");
    case AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAVAILABLE:
        return _("the city's server is busy or its database unreachable");
    case AIXIN__V1__ERROR_CODE__ERROR_CODE_OUTCOME_UNKNOWN:
        return _("the outcome is not known yet");
    case AIXIN__V1__ERROR_CODE__ERROR_CODE_TIMEOUT:
        return _("the server stopped waiting");
    case AIXIN__V1__ERROR_CODE__ERROR_CODE_PROTOCOL_ORDER:
        return _("the client spoke out of turn");
    case AIXIN__V1__ERROR_CODE__ERROR_CODE_INTERNAL:
        return _("the server failed (an error on its side)");
    case AIXIN__V1__ERROR_CODE__ERROR_CODE_CONFLICT:
        return _("someone changed the record first; show it again");
    case AIXIN__V1__ERROR_CODE__ERROR_CODE_PASSWORD_CHANGE_REQUIRED:
        return _("password change required");
    default:
        break;
    }
    return _("the server refused the request");
}

/* Copy server text into dst, with anything a terminal must not get as '?'. */
static void copy_printable(char *dst, size_t size, const char *src)
{
    size_t i = 0;
    for (; src[i] != '\0' && i + 1 < size; i++) {
        unsigned char b = (unsigned char)src[i];
        dst[i] = (b < 0x20 || b == 0x7F) ? '?' : (char)b;
    }
    dst[i] = '\0';
}

void error_text_describe(const Aixin__V1__Error *e, char *out, size_t size)
{
    char raw[256];
    char message[512];
    char where[160];
    copy_printable(raw, sizeof(raw), e->message != NULL ? e->message : "");
    server_text_translate(raw, message, sizeof(message));
    char field[128];
    copy_printable(field, sizeof(field), e->field != NULL ? e->field : "");
    error_text_where(field, where, sizeof(where));
    const char *code = names_error_code(e->code);
    char unknown[32];
    if (code == NULL) {
        snprintf(unknown, sizeof(unknown), "ERROR_%d", (int)e->code);
        code = unknown;
    }
    const char *reason = error_text_reason(e->code);
    /* The code's name stays: it is what support and scripts look for. */
    if (message[0] != '\0' && where[0] != '\0')
        snprintf(out, size, _("%s [%s]: %s (%s)"), reason, code, message,
                 where);
    else if (message[0] != '\0')
        snprintf(out, size, _("%s [%s]: %s"), reason, code, message);
    else if (where[0] != '\0')
        snprintf(out, size, _("%s [%s] (%s)"), reason, code, where);
    else
        snprintf(out, size, "%s [%s]", reason, code);
}
