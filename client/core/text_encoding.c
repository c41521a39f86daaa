/* Detecting and converting the encodings of Excel's CSV files; see
 * text_encoding.h. */
#include "text_encoding.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const char utf8_bom[3] = {'\xEF', '\xBB', '\xBF'};

const char *text_encoding_name(text_encoding_t enc)
{
    switch (enc) {
    case TEXT_ENCODING_UTF8:
        return "UTF-8";
    case TEXT_ENCODING_UTF8_BOM:
        return "UTF-8 BOM";
    case TEXT_ENCODING_GB18030:
        return "GB18030";
    case TEXT_ENCODING_COUNT:
        break;
    }
    return "?";
}

bool text_encoding_parse(const char *name, text_encoding_t *out)
{
    static const struct {
        const char *name;
        text_encoding_t enc;
    } names[] = {
        {"utf-8", TEXT_ENCODING_UTF8},         {"utf8", TEXT_ENCODING_UTF8},
        {"utf-8-bom", TEXT_ENCODING_UTF8_BOM}, {"utf8-bom", TEXT_ENCODING_UTF8_BOM},
        {"gb18030", TEXT_ENCODING_GB18030},    {"gbk", TEXT_ENCODING_GB18030},
        {"gb2312", TEXT_ENCODING_GB18030},
    };
    if (name == NULL)
        return false;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcasecmp(name, names[i].name) == 0) {
            *out = names[i].enc;
            return true;
        }
    return false;
}

/* Length of the well-formed UTF-8 sequence at s[0..len), 0 if none. */
static size_t utf8_sequence(const unsigned char *s, size_t len)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    size_t n;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (len < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

text_encoding_t text_encoding_detect(const char *data, size_t len)
{
    if (len >= sizeof(utf8_bom) && memcmp(data, utf8_bom, sizeof(utf8_bom)) == 0)
        return TEXT_ENCODING_UTF8_BOM;
    const unsigned char *s = (const unsigned char *)data;
    for (size_t i = 0; i < len;) {
        size_t n = utf8_sequence(s + i, len - i);
        if (n == 0)
            return TEXT_ENCODING_GB18030;
        i += n;
    }
    return TEXT_ENCODING_UTF8;
}

/* Run iconv over the whole input into a growing NUL-terminated buffer. */
static bool convert(const char *to, const char *from, const char *data,
                    size_t len, char **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    iconv_t cd = iconv_open(to, from);
    if (cd == (iconv_t)-1)
        return false;
    size_t cap = len + len / 2 + 16;
    char *buf = malloc(cap);
    bool ok = buf != NULL;
    size_t used = 0;
    char *in = (char *)data; /* iconv's prototype wants char ** */
    size_t in_left = len;
    /* After the input, one call with NULL input ends any shift state. */
    bool flushing = false;
    while (ok) {
        char *o = buf + used;
        size_t o_left = cap - used - 1; /* room for the NUL */
        size_t r = flushing ? iconv(cd, NULL, NULL, &o, &o_left)
                            : iconv(cd, &in, &in_left, &o, &o_left);
        used = (size_t)(o - buf);
        if (r != (size_t)-1) {
            if (flushing)
                break;
            flushing = true;
            continue;
        }
        if (errno != E2BIG) {
            ok = false; /* EILSEQ or EINVAL: not valid in `from` */
            break;
        }
        size_t ncap = cap * 2;
        char *nbuf = ncap > cap ? realloc(buf, ncap) : NULL;
        if (nbuf == NULL) {
            ok = false;
            break;
        }
        buf = nbuf;
        cap = ncap;
    }
    iconv_close(cd);
    if (!ok) {
        free(buf);
        return false;
    }
    buf[used] = '\0';
    *out = buf;
    *out_len = used;
    return true;
}

static bool copy_out(const char *prefix, size_t prefix_len, const char *data,
                     size_t len, char **out, size_t *out_len)
{
    char *buf = malloc(prefix_len + len + 1);
    if (buf == NULL) {
        *out = NULL;
        return false;
    }
    memcpy(buf, prefix, prefix_len);
    if (len > 0)
        memcpy(buf + prefix_len, data, len);
    buf[prefix_len + len] = '\0';
    *out = buf;
    *out_len = prefix_len + len;
    return true;
}

bool text_encoding_to_utf8(text_encoding_t enc, const char *data, size_t len,
                           char **out, size_t *out_len)
{
    switch (enc) {
    case TEXT_ENCODING_UTF8_BOM:
        if (len >= sizeof(utf8_bom) &&
            memcmp(data, utf8_bom, sizeof(utf8_bom)) == 0) {
            data += sizeof(utf8_bom);
            len -= sizeof(utf8_bom);
        }
        /* fall through */
    case TEXT_ENCODING_UTF8:
        if (text_encoding_detect(data, len) == TEXT_ENCODING_GB18030) {
            *out = NULL;
            return false;
        }
        return copy_out("", 0, data, len, out, out_len);
    case TEXT_ENCODING_GB18030:
        return convert("UTF-8", "GB18030", data, len, out, out_len);
    case TEXT_ENCODING_COUNT:
        break;
    }
    *out = NULL;
    return false;
}

bool text_encoding_from_utf8(text_encoding_t enc, const char *data, size_t len,
                             char **out, size_t *out_len)
{
    switch (enc) {
    case TEXT_ENCODING_UTF8:
    case TEXT_ENCODING_UTF8_BOM: {
        text_encoding_t got = text_encoding_detect(data, len);
        if (got == TEXT_ENCODING_GB18030) {
            *out = NULL;
            return false;
        }
        bool mark = enc == TEXT_ENCODING_UTF8_BOM && got != TEXT_ENCODING_UTF8_BOM;
        return copy_out(utf8_bom, mark ? sizeof(utf8_bom) : 0, data, len, out,
                        out_len);
    }
    case TEXT_ENCODING_GB18030:
        return convert("GB18030", "UTF-8", data, len, out, out_len);
    case TEXT_ENCODING_COUNT:
        break;
    }
    *out = NULL;
    return false;
}

/* The whole of a file into a new buffer. */
static bool read_all(FILE *in, char **out, size_t *out_len)
{
    size_t cap = 65536, used = 0;
    char *buf = malloc(cap);
    if (buf == NULL)
        return false;
    size_t n;
    while ((n = fread(buf + used, 1, cap - used, in)) > 0) {
        used += n;
        if (used == cap) {
            char *nbuf = realloc(buf, cap * 2);
            if (nbuf == NULL) {
                free(buf);
                return false;
            }
            buf = nbuf;
            cap *= 2;
        }
    }
    if (ferror(in)) {
        free(buf);
        return false;
    }
    *out = buf;
    *out_len = used;
    return true;
}

bool text_encoding_read_file(const char *path, char **data, size_t *len)
{
    FILE *in = fopen(path, "rb");
    if (in == NULL)
        return false;
    bool ok = read_all(in, data, len);
    int saved = errno;
    fclose(in);
    errno = saved;
    return ok;
}

bool text_encoding_rewrite_file(const char *path, text_encoding_t enc)
{
    if (enc == TEXT_ENCODING_UTF8)
        return true;
    char *utf8 = NULL, *text = NULL;
    size_t utf8_len = 0, text_len = 0;
    if (!text_encoding_read_file(path, &utf8, &utf8_len))
        return false;
    bool ok = text_encoding_from_utf8(enc, utf8, utf8_len, &text, &text_len);
    free(utf8);
    if (!ok)
        return false;
    size_t plen = strlen(path);
    char *tmp = malloc(plen + sizeof(".tmp"));
    FILE *out = NULL;
    if (tmp != NULL) {
        memcpy(tmp, path, plen);
        memcpy(tmp + plen, ".tmp", sizeof(".tmp"));
        out = fopen(tmp, "wb");
    }
    ok = out != NULL && fwrite(text, 1, text_len, out) == text_len;
    if (out != NULL && fclose(out) != 0)
        ok = false;
    if (ok && rename(tmp, path) != 0)
        ok = false;
    if (!ok && tmp != NULL)
        unlink(tmp);
    free(tmp);
    free(text);
    return ok;
}
