#include "i18n.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "install_path.h"

/* An installed client's catalogs, relative to its own directory (the
 * build's AIXIN_LOCALEDIR serves a client run from the build tree). */
#ifndef AIXIN_INSTALLED_LOCALEDIR
#define AIXIN_INSTALLED_LOCALEDIR "../share/locale"
#endif

#ifndef AIXIN_LOCALEDIR
#error "AIXIN_LOCALEDIR must be defined by the build"
#endif

void i18n_init(void)
{
    /* Numbers stay in the C format: amounts and dates are parsed and
     * printed by the client's own code, never by the locale. */
    setlocale(LC_ALL, "");
    setlocale(LC_NUMERIC, "C");
    const char *dir = getenv("AIXIN_LOCALEDIR");
    char installed[4096];
    if ((dir == NULL || dir[0] == '\0') &&
        install_path_near_exe(AIXIN_INSTALLED_LOCALEDIR "/zh_CN/LC_MESSAGES",
                              installed, sizeof(installed)))
        dir = install_path_near_exe(AIXIN_INSTALLED_LOCALEDIR, installed,
                                    sizeof(installed))
                  ? installed
                  : NULL;
    bindtextdomain(AIXIN_TEXT_DOMAIN,
                   dir != NULL && dir[0] != '\0' ? dir : AIXIN_LOCALEDIR);
    bind_textdomain_codeset(AIXIN_TEXT_DOMAIN, "UTF-8");
    textdomain(AIXIN_TEXT_DOMAIN);
}

bool i18n_use_chinese(void)
{
    /* LANGUAGE is honoured by gettext unless the message locale is "C";
     * C.UTF-8 is always present, zh_CN.UTF-8 only where generated. */
    if (setlocale(LC_MESSAGES, "zh_CN.UTF-8") == NULL &&
        setlocale(LC_MESSAGES, "C.UTF-8") == NULL)
        return false;
    setlocale(LC_CTYPE, "C.UTF-8");
    if (setenv("LANGUAGE", "zh_CN", 1) != 0)
        return false;
    /* Make gettext drop what it cached for the earlier language. */
    textdomain(AIXIN_TEXT_DOMAIN);
    return true;
}

const char *i18n_text(const char *marked)
{
    const char *t = gettext(marked);
    if (t != marked)
        return t;
    /* Untranslated: without its context, if it has one. */
    const char *sep = strchr(marked, '\004');
    return sep != NULL ? sep + 1 : marked;
}
