/*
 * JSON rendering (RFC 8259): one document, two-space indentation, keys in
 * the order the record was built. Strings keep their UTF-8 as is; quotes,
 * backslashes and control characters are escaped, and bytes that are not
 * well-formed UTF-8 become U+FFFD so the output always parses. Money is an
 * integer number of fen, never a fraction.
 */
#include "output.h"

#include <inttypes.h>
#include <stdint.h>

/*
 * Length of the well-formed UTF-8 sequence at s (2..4), or 0 when the
 * bytes there are not one. s[0] is >= 0x80; the string is NUL-terminated,
 * and a NUL fails the continuation test, so nothing past it is read.
 */
static size_t utf8_sequence_length(const unsigned char *s)
{
    size_t n;
    uint32_t cp;
    uint32_t min;
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        n = 2;
        cp = s[0] & 0x1Fu;
        min = 0x80;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        n = 3;
        cp = s[0] & 0x0Fu;
        min = 0x800;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        n = 4;
        cp = s[0] & 0x07u;
        min = 0x10000;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

static void json_write_string(FILE *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    fputc('"', out);
    while (*p != '\0') {
        unsigned char b = *p;
        if (b == '"' || b == '\\') {
            fputc('\\', out);
            fputc(b, out);
            p++;
        } else if (b < 0x20) {
            switch (b) {
            case '\b': fputs("\\b", out); break;
            case '\f': fputs("\\f", out); break;
            case '\n': fputs("\\n", out); break;
            case '\r': fputs("\\r", out); break;
            case '\t': fputs("\\t", out); break;
            default: fprintf(out, "\\u%04x", (unsigned)b); break;
            }
            p++;
        } else if (b == 0x7F) {
            fputs("\\u007f", out);
            p++;
        } else if (b < 0x80) {
            fputc(b, out);
            p++;
        } else {
            size_t n = utf8_sequence_length(p);
            if (n == 0) {
                fputs("\\ufffd", out);
                p++;
            } else {
                fwrite(p, 1, n, out);
                p += n;
            }
        }
    }
    fputc('"', out);
}

static void json_indent(FILE *out, unsigned depth)
{
    for (unsigned i = 0; i < depth; i++)
        fputs("  ", out);
}

static void json_write_list(FILE *out, const output_list_t *list,
                            unsigned depth);

static void json_write_value(FILE *out, const output_field_t *f,
                             unsigned depth)
{
    switch (f->kind) {
    case OUTPUT_KIND_TEXT:
        json_write_string(out, f->value.text);
        return;
    case OUTPUT_KIND_INT:
    case OUTPUT_KIND_MONEY:
        fprintf(out, "%" PRId64, f->value.number);
        return;
    case OUTPUT_KIND_BOOL:
        fputs(f->value.flag ? "true" : "false", out);
        return;
    case OUTPUT_KIND_TIME: {
        char when[OUTPUT_TIME_TEXT_SIZE];
        if (output_format_time(f->value.number, when))
            json_write_string(out, when);
        else
            fprintf(out, "%" PRId64, f->value.number);
        return;
    }
    case OUTPUT_KIND_LIST:
        json_write_list(out, f->value.list, depth);
        return;
    case OUTPUT_KIND_NULL:
    case OUTPUT_KIND_COUNT:
        break;
    }
    fputs("null", out);
}

static void json_write_record(FILE *out, const output_record_t *r,
                              unsigned depth)
{
    if (r->n_fields == 0) {
        fputs("{}", out);
        return;
    }
    fputs("{\n", out);
    for (size_t i = 0; i < r->n_fields; i++) {
        json_indent(out, depth + 1);
        json_write_string(out, r->fields[i].key);
        fputs(": ", out);
        json_write_value(out, &r->fields[i], depth + 1);
        fputs(i + 1 < r->n_fields ? ",\n" : "\n", out);
    }
    json_indent(out, depth);
    fputc('}', out);
}

static void json_write_list(FILE *out, const output_list_t *list,
                            unsigned depth)
{
    if (list->n_records == 0) {
        fputs("[]", out);
        return;
    }
    fputs("[\n", out);
    for (size_t i = 0; i < list->n_records; i++) {
        json_indent(out, depth + 1);
        json_write_record(out, &list->records[i], depth + 1);
        fputs(i + 1 < list->n_records ? ",\n" : "\n", out);
    }
    json_indent(out, depth);
    fputc(']', out);
}

void output_json_render(const output_doc_t *doc, FILE *out)
{
    if (doc->is_list)
        json_write_list(out, &doc->root, 0);
    else if (doc->root.n_records > 0)
        json_write_record(out, &doc->root.records[0], 0);
    else
        fputs("{}", out);
    fputc('\n', out);
}
