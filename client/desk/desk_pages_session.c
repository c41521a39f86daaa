/* Pages: the start page, log in, log out. */
#include "desk_pages.h"

#include <event2/http.h>
#include <string.h>

#include "desk_alerts.h"
#include "i18n.h"

static void page_login_form(desk_t *d, struct evhttp_request *req,
                            const char *username,
                            const desk_notices_t *notices, int status)
{
    desk_vars_t *v = desk_vars_new();
    desk_vars_text(v, "username", username);
    desk_vars_text(v, "server", d->link.address);
    desk_page_send(d, req, status, _("Log in"), "login.html", v, notices);
}

static void page_home(desk_t *d, struct evhttp_request *req)
{
    if (!d->link.logged_in) {
        page_login_form(d, req, "", NULL, HTTP_OK);
        return;
    }
    desk_notices_t notices = {0};
    rpc_client_t *client = NULL;
    /* Who and where, as the server says (also tells whether it is up). */
    if ((d->link.division_code[0] == '\0' || d->link.offline) &&
        desk_link_client(&d->link, &client, &notices) != CLI_EXIT_OK)
        client = NULL; /* the line at the top and the message say why */
    if (!d->link.logged_in) {
        page_login_form(d, req, "", &notices, HTTP_OK);
        return;
    }
    if (d->link.password_change_required) {
        desk_redirect(req, "/password");
        return;
    }
    desk_vars_t *v = desk_vars_new();
    desk_alerts_section(d, v, &notices); /* empty when it cannot be had */
    desk_page_send(d, req, HTTP_OK, _("Start"), "home.html", v, &notices);
}

static void page_login_get(desk_t *d, struct evhttp_request *req)
{
    page_login_form(d, req, "", NULL, HTTP_OK);
}

static void page_login_post(desk_t *d, struct evhttp_request *req)
{
    desk_form_t form;
    desk_notices_t notices = {0};
    if (!desk_form_read(req, &form)) {
        desk_form_free(&form);
        desk_send_plain_error(req, HTTP_BADREQUEST,
                              _("The form could not be read."));
        return;
    }
    const char *username = desk_form_get(&form, "username");
    const char *password = desk_form_get(&form, "password");
    if (username[0] == '\0' || password[0] == '\0') {
        desk_notices_add(&notices, NOTICE_REJECTED, "username", "%s",
                         _("Enter your user name and password."));
    } else if (desk_link_login(&d->link, username, password, &notices) ==
               CLI_EXIT_OK) {
        desk_form_free(&form);
        /* A password an administrator handed out is replaced first. */
        desk_redirect(req, d->link.password_change_required ? "/password"
                                                            : "/");
        return;
    }
    page_login_form(d, req, username, &notices, HTTP_OK);
    desk_form_free(&form);
}

static void page_logout(desk_t *d, struct evhttp_request *req)
{
    desk_notices_t notices = {0};
    desk_link_logout(&d->link, &notices);
    desk_notices_add(&notices, NOTICE_INFO, NULL, "%s", _("Logged out."));
    page_login_form(d, req, "", &notices, HTTP_OK);
}

const desk_route_t desk_session_routes[] = {
    {"/", false, page_home},
    {"/login", false, page_login_get},
    {"/login", true, page_login_post},
    {"/logout", true, page_logout},
    {NULL, false, NULL},
};
