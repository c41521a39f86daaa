/*
 * Translation of the client's user-facing text (GNU gettext, domain
 * "aixin"). Every message a person reads goes through _() (or N_() where
 * the text sits in a table and is translated when shown); po/check fails
 * the tests when a message has no zh_CN translation.
 *
 * JSON output, protocol field paths and the daemon's logs stay untranslated.
 */
#ifndef AIXIN_CLIENT_I18N_H
#define AIXIN_CLIENT_I18N_H

#include <libintl.h>
#include <stdbool.h>

#define AIXIN_TEXT_DOMAIN "aixin"

#define _(msgid) gettext(msgid)
/* Marks a string for extraction; translate it with _() where it is shown. */
#define N_(msgid) (msgid)
#define P_(singular, plural, n) ngettext((singular), (plural), (n))
/*
 * Like N_(), for a word with two translations told apart by a context
 * ("NAME" of a person 姓名, of a division 名称): gettext's msgctxt. Show
 * it with i18n_text(), which also drops the context when untranslated.
 */
#define NC_(context, msgid) (context "\004" msgid)

/*
 * Set the locale from the environment (LANG, LC_ALL, LANGUAGE) and bind the
 * catalog: $AIXIN_LOCALEDIR, else the folder compiled in. Call once, first.
 */
void i18n_init(void);

/* The translation of a message marked with N_() or NC_(). */
const char *i18n_text(const char *marked);

/*
 * Make Chinese the language of messages whatever the environment says
 * (the desk's default). False when no Chinese catalog could be used.
 */
bool i18n_use_chinese(void);

#endif
