/*
 * Page: the logged-in clerk changes their own password (ChangePassword),
 * so that a password an administrator handed out need not stay in use
 * and nobody needs the command line for it. The city checks the old
 * password (a wrong one counts as a failed login) and the new one's
 * length; the page only checks that the new one was typed the same twice.
 * An account whose password an administrator set is sent here after its
 * login (and from the start page) until it has chosen its own.
 * Passwords are wiped from memory once the form is answered.
 */
#include "desk_pages.h"

#include <event2/http.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"

/* The inputs that can carry a message of their own. */
static const char *const password_fields[] = {
    "old_password",
    "new_password",
    "new_password_again",
    NULL,
};

static void page_password_form(desk_t *d, struct evhttp_request *req,
                               const desk_notices_t *notices)
{
    desk_notices_t first = {0};
    if (notices == NULL && d->link.password_change_required) {
        desk_notices_add(&first, NOTICE_WARNING, NULL, "%s",
                         _("Your password was set by an administrator. "
                           "Choose your own before anything else: the "
                           "city refuses other work until then."));
        notices = &first;
    }
    desk_vars_t *v = desk_vars_new();
    /* A password is never written back into the page. */
    desk_vars_form_fields(v, password_fields, NULL, notices);
    desk_page_send(d, req, HTTP_OK, _("Change your password"),
                   "password.html", v, notices);
}

/* Overwrite the form's password values before the form is freed. */
static void form_wipe_passwords(desk_form_t *form)
{
    for (size_t i = 0; i < form->n; i++)
        for (const char *const *k = password_fields; *k != NULL; k++)
            if (strcmp(form->fields[i].name, *k) == 0)
                sodium_memzero(form->fields[i].value,
                               strlen(form->fields[i].value));
}

static void page_password_get(desk_t *d, struct evhttp_request *req)
{
    if (!d->link.logged_in) {
        desk_redirect(req, "/");
        return;
    }
    page_password_form(d, req, NULL);
}

static void page_password_post(desk_t *d, struct evhttp_request *req)
{
    if (!d->link.logged_in) {
        desk_redirect(req, "/");
        return;
    }
    desk_form_t form;
    if (!desk_form_read(req, &form)) {
        form_wipe_passwords(&form);
        desk_form_free(&form);
        desk_send_plain_error(req, HTTP_BADREQUEST,
                              _("The form could not be read."));
        return;
    }
    desk_notices_t notices = {0};
    const char *old_pw = desk_form_get(&form, "old_password");
    const char *new_pw = desk_form_get(&form, "new_password");
    const char *again = desk_form_get(&form, "new_password_again");
    if (old_pw[0] == '\0')
        desk_notices_add(&notices, NOTICE_REJECTED, "old_password", "%s",
                         _("Enter your current password."));
    if (new_pw[0] == '\0')
        desk_notices_add(&notices, NOTICE_REJECTED, "new_password", "%s",
                         _("Enter a new password."));
    else if (strcmp(new_pw, again) != 0)
        desk_notices_add(&notices, NOTICE_REJECTED, "new_password_again",
                         "%s", _("The two new passwords differ."));
    if (notices.n == 0) {
        Aixin__V1__ChangePassword body = AIXIN__V1__CHANGE_PASSWORD__INIT;
        body.old_password = (char *)old_pw;
        body.new_password = (char *)new_pw;
        Aixin__V1__Request rq = AIXIN__V1__REQUEST__INIT;
        rq.body_case = AIXIN__V1__REQUEST__BODY_CHANGE_PASSWORD;
        rq.change_password = &body;
        Aixin__V1__Response *resp = NULL;
        /* Not spooled: a password is never written to disk, and a change
         * made later, unseen, would surprise its owner. */
        if (desk_link_call(&d->link, &rq, AIXIN__V1__RESPONSE__BODY_EMPTY,
                           false, &resp, &notices) == CLI_EXIT_OK) {
            aixin__v1__response__free_unpacked(resp, NULL);
            d->link.password_change_required = false;
            desk_notices_add(&notices, NOTICE_INFO, NULL, "%s",
                             _("Your password has been changed. Your other "
                               "sessions have ended."));
        }
    }
    form_wipe_passwords(&form);
    desk_form_free(&form);
    page_password_form(d, req, &notices);
}

const desk_route_t desk_password_routes[] = {
    {"/password", false, page_password_get},
    {"/password", true, page_password_post},
    {NULL, false, NULL},
};
