/*
 * server_text_probe: which of the server's messages the client shows in
 * Chinese. Reads lines "WHERE<TAB>FORMAT<TAB>EXAMPLE" (server_messages.py)
 * on stdin, translates each EXAMPLE as the client does
 * (server_text_translate) with the zh_CN catalog, and prints every one that
 * no pattern of client/core/server_text.c matches, or whose pattern has no
 * zh_CN translation, with where the message is written. Exit 1 when any.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "server_text.h"

int main(void)
{
    i18n_init();
    if (!i18n_use_chinese()) {
        fprintf(stderr, "server_text_probe: no zh_CN or C.UTF-8 locale\n");
        return 2;
    }
    char line[4096];
    size_t n = 0, missing = 0;
    while (fgets(line, sizeof(line), stdin) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        char *where = line;
        char *format = strchr(where, '\t');
        char *example = format != NULL ? strchr(format + 1, '\t') : NULL;
        if (example == NULL) {
            fprintf(stderr, "server_text_probe: malformed line: %s\n", line);
            return 2;
        }
        *format++ = '\0';
        *example++ = '\0';
        n++;
        char shown[1024];
        bool matched = server_text_translate(example, shown, sizeof(shown));
        if (!matched) {
            printf("%s: no pattern in client/core/server_text.c for "
                   "\"%s\"\n", where, format);
            missing++;
        } else if (strcmp(shown, example) == 0) {
            printf("%s: the pattern matching \"%s\" has no zh_CN "
                   "translation (po/zh_CN/*.po)\n", where, format);
            missing++;
        }
    }
    printf("%zu server messages, %zu without a zh_CN rendering\n", n,
           missing);
    return missing == 0 ? 0 : 1;
}
