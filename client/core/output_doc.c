/* Building output documents, and handing them to the chosen renderer. */
#include "output.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "civil_date.h"
#include "i18n.h"

/* Asia/Shanghai has had no daylight saving since 1991. */
#define OUTPUT_UTC_OFFSET_SECONDS (8 * 3600)

static const char *const format_names[OUTPUT_FORMAT_COUNT] = {
    [OUTPUT_FORMAT_TABLE] = "table",
    [OUTPUT_FORMAT_JSON] = "json",
};

bool output_format_parse(const char *name, output_format_t *out)
{
    for (int f = 0; f < OUTPUT_FORMAT_COUNT; f++) {
        if (strcmp(name, format_names[f]) == 0) {
            *out = (output_format_t)f;
            return true;
        }
    }
    return false;
}

void output_doc_init(output_doc_t *doc, bool is_list)
{
    memset(doc, 0, sizeof(*doc));
    doc->is_list = is_list;
}

static void list_free(output_list_t *list);

static void record_free(output_record_t *r)
{
    for (size_t i = 0; i < r->n_fields; i++) {
        if (r->fields[i].kind == OUTPUT_KIND_LIST) {
            list_free(r->fields[i].value.list);
            free(r->fields[i].value.list);
            r->fields[i].value.list = NULL;
        }
    }
    r->n_fields = 0;
}

static void list_free(output_list_t *list)
{
    if (list == NULL)
        return;
    for (size_t i = 0; i < list->n_records; i++)
        record_free(&list->records[i]);
    free(list->records);
    list->records = NULL;
    list->n_records = list->cap_records = 0;
}

void output_doc_free(output_doc_t *doc)
{
    list_free(&doc->root);
}

output_record_t *output_list_add_record(output_doc_t *doc, output_list_t *list)
{
    if (doc->failed || list == NULL)
        return NULL;
    if (list->n_records == list->cap_records) {
        size_t ncap = list->cap_records ? list->cap_records * 2 : 8;
        if (ncap > SIZE_MAX / sizeof(output_record_t)) {
            doc->failed = true;
            return NULL;
        }
        output_record_t *nr =
            realloc(list->records, ncap * sizeof(output_record_t));
        if (nr == NULL) {
            doc->failed = true;
            return NULL;
        }
        list->records = nr;
        list->cap_records = ncap;
    }
    output_record_t *r = &list->records[list->n_records++];
    memset(r, 0, sizeof(*r));
    return r;
}

output_record_t *output_doc_add_record(output_doc_t *doc)
{
    /* A single-record document holds exactly one. */
    assert(doc->is_list || doc->root.n_records == 0);
    return output_list_add_record(doc, &doc->root);
}

static output_field_t *field_append(output_doc_t *doc, output_record_t *r,
                                    const char *key, const char *header,
                                    output_kind_t kind)
{
    if (doc->failed || r == NULL)
        return NULL;
    assert(r->n_fields < OUTPUT_MAX_FIELDS);
    if (r->n_fields >= OUTPUT_MAX_FIELDS) {
        doc->failed = true;
        return NULL;
    }
    output_field_t *f = &r->fields[r->n_fields++];
    memset(f, 0, sizeof(*f));
    f->key = key;
    f->header = header;
    f->kind = kind;
    return f;
}

void output_add_text(output_doc_t *doc, output_record_t *r, const char *key,
                     const char *header, const char *text)
{
    output_field_t *f = field_append(doc, r, key, header,
                                     text != NULL ? OUTPUT_KIND_TEXT
                                                  : OUTPUT_KIND_NULL);
    if (f != NULL)
        f->value.text = text;
}

void output_add_name(output_doc_t *doc, output_record_t *r, const char *key,
                     const char *header, const char *name)
{
    output_field_t *f = field_append(doc, r, key, header,
                                     name != NULL ? OUTPUT_KIND_TEXT
                                                  : OUTPUT_KIND_NULL);
    if (f != NULL) {
        f->value.text = name;
        f->named = name != NULL;
    }
}

void output_add_text_or_null(output_doc_t *doc, output_record_t *r,
                             const char *key, const char *header,
                             const char *text)
{
    if (text != NULL && text[0] == '\0')
        text = NULL;
    output_add_text(doc, r, key, header, text);
}

void output_add_text_indented(output_doc_t *doc, output_record_t *r,
                              const char *key, const char *header,
                              const char *text, unsigned indent)
{
    output_add_text(doc, r, key, header, text);
    if (!doc->failed && r != NULL && r->n_fields > 0)
        r->fields[r->n_fields - 1].indent = indent;
}

void output_add_int(output_doc_t *doc, output_record_t *r, const char *key,
                    const char *header, int64_t value)
{
    output_field_t *f = field_append(doc, r, key, header, OUTPUT_KIND_INT);
    if (f != NULL)
        f->value.number = value;
}

void output_add_bool(output_doc_t *doc, output_record_t *r, const char *key,
                     const char *header, bool value)
{
    output_field_t *f = field_append(doc, r, key, header, OUTPUT_KIND_BOOL);
    if (f != NULL)
        f->value.flag = value;
}

void output_add_money(output_doc_t *doc, output_record_t *r, const char *key,
                      const char *header, int64_t fen)
{
    output_field_t *f = field_append(doc, r, key, header, OUTPUT_KIND_MONEY);
    if (f != NULL)
        f->value.number = fen;
}

void output_add_time(output_doc_t *doc, output_record_t *r, const char *key,
                     const char *header, int64_t unix_seconds)
{
    output_field_t *f =
        field_append(doc, r, key, header,
                     unix_seconds != 0 ? OUTPUT_KIND_TIME : OUTPUT_KIND_NULL);
    if (f != NULL)
        f->value.number = unix_seconds;
}

output_list_t *output_add_list(output_doc_t *doc, output_record_t *r,
                               const char *key, const char *title)
{
    if (doc->failed || r == NULL)
        return NULL;
    output_list_t *list = calloc(1, sizeof(*list));
    if (list == NULL) {
        doc->failed = true;
        return NULL;
    }
    output_field_t *f = field_append(doc, r, key, title, OUTPUT_KIND_LIST);
    if (f == NULL) {
        free(list);
        return NULL;
    }
    list->title = title;
    f->value.list = list; /* the field owns it from here */
    return list;
}

bool output_format_time(int64_t unix_seconds, char out[OUTPUT_TIME_TEXT_SIZE])
{
    /* Stay well inside int64 before shifting to local time. */
    if (unix_seconds < -(INT64_C(1) << 40) || unix_seconds > (INT64_C(1) << 40))
        return false;
    int64_t local = unix_seconds + OUTPUT_UTC_OFFSET_SECONDS;
    int64_t days = local / 86400;
    int64_t secs = local % 86400;
    if (secs < 0) {
        secs += 86400;
        days -= 1;
    }
    if (days < civil_date_to_days((civil_date_t){CIVIL_DATE_MIN_YEAR, 1, 1}) ||
        days > civil_date_to_days((civil_date_t){CIVIL_DATE_MAX_YEAR, 12, 31}))
        return false;
    civil_date_t d = civil_date_from_days(days);
    char date[CIVIL_DATE_TEXT_SIZE];
    civil_date_format(d, date);
    snprintf(out, OUTPUT_TIME_TEXT_SIZE, "%sT%02d:%02d:%02d+08:00", date,
             (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
    return true;
}

bool output_render(const output_doc_t *doc, output_format_t format, FILE *out)
{
    if (doc->failed) {
        fprintf(stderr, _("aixin: error: out of memory\n"));
        return false;
    }
    if (format == OUTPUT_FORMAT_JSON)
        output_json_render(doc, out);
    else
        output_table_render(doc, out);
    if (fflush(out) != 0 || ferror(out)) {
        fprintf(stderr, _("aixin: error: cannot write the output\n"));
        return false;
    }
    return true;
}
