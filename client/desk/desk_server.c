/*
 * The desk's HTTP server: bind 127.0.0.1 on a port the kernel picks,
 * print the address with its one-time key, open a browser on it, then
 * guard and route every request until SIGINT or SIGTERM.
 */
#include "desk.h"
#include "desk_app.h"

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "desk_pages.h"
#include "error_text.h"
#include "i18n.h"
#include "install_path.h"

/* An import upload may be this large. */
#define DESK_MAX_BODY (64u * 1024u * 1024u)
#define DESK_URL_SIZE 160

extern char **environ;

static const desk_route_t *const route_tables[] = {
    desk_session_routes, desk_household_routes, desk_spool_routes,
    desk_import_routes, desk_claims_routes,  desk_reports_routes,
    desk_funding_routes,
    desk_claims_more_routes,
    desk_admin_routes,
    desk_alerts_routes,
    desk_yearcycle_routes,
    desk_password_routes,
    desk_grievance_routes,
    desk_pending_routes,
    desk_export_routes,
    desk_audit_routes,
    desk_settings_routes,
};

static const desk_route_t *route_find(const char *path, bool post,
                                      bool *path_known)
{
    *path_known = false;
    for (size_t t = 0; t < sizeof(route_tables) / sizeof(route_tables[0]);
         t++)
        for (const desk_route_t *r = route_tables[t]; r->path != NULL; r++) {
            if (strcmp(r->path, path) != 0)
                continue;
            *path_known = true;
            if (r->post == post)
                return r;
        }
    return NULL;
}

static void desk_enter(desk_t *d, struct evhttp_request *req)
{
    char cookie[160];
    desk_guard_cookie_header(&d->guard, cookie, sizeof(cookie));
    evhttp_add_header(evhttp_request_get_output_headers(req), "Set-Cookie",
                      cookie);
    desk_redirect(req, "/");
}

static void desk_dispatch(struct evhttp_request *req, void *arg)
{
    desk_t *d = arg;
    enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
    bool post = cmd == EVHTTP_REQ_POST;
    if (!post && cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD) {
        desk_send_plain_error(req, 405, _("This method is not served."));
        return;
    }
    desk_guard_result_t g = desk_guard_check(&d->guard, req, post);
    if (g == DESK_GUARD_ENTER) {
        desk_enter(d, req);
        return;
    }
    if (g != DESK_GUARD_OK) {
        fprintf(stderr, "aixin desk: refused %s: %s\n",
                evhttp_request_get_uri(req), desk_guard_reason(g));
        desk_send_plain_error(
            req, 403,
            _("Refused: open the desk with the address that `aixin desk` "
              "printed, on this computer."));
        return;
    }
    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
    const char *path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
    bool known = false;
    const desk_route_t *r = route_find(path != NULL ? path : "/", post, &known);
    if (r == NULL) {
        desk_send_plain_error(req, known ? 405 : 404,
                              known ? _("This method is not served.")
                                    : _("There is no such page."));
        return;
    }
    r->run(d, req);
}

static void on_signal(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    event_base_loopexit(arg, NULL);
}

/* The port the kernel gave the listener. */
static uint16_t bound_port(struct evhttp_bound_socket *s)
{
    struct sockaddr_in sin;
    socklen_t len = sizeof(sin);
    evutil_socket_t fd = evhttp_bound_socket_get_fd(s);
    if (getsockname(fd, (struct sockaddr *)&sin, &len) != 0 ||
        sin.sin_family != AF_INET)
        return 0;
    return ntohs(sin.sin_port);
}

/* xdg-open the address when there is a display; the desk works without. */
static void open_browser(const char *url)
{
    if (getenv("DISPLAY") == NULL && getenv("WAYLAND_DISPLAY") == NULL)
        return;
    char *argv[] = {(char *)"xdg-open", (char *)url, NULL};
    pid_t pid;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null",
                                     O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null",
                                     O_WRONLY, 0);
    if (posix_spawnp(&pid, "xdg-open", &fa, NULL, argv, environ) == 0)
        (void)waitpid(pid, NULL, WNOHANG);
    posix_spawn_file_actions_destroy(&fa);
}

static bool write_url_file(const char *path, const char *url)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return false;
    bool ok = fprintf(f, "%s\n", url) > 0;
    return fclose(f) == 0 && ok;
}

cli_exit_t desk_run(const desk_options_t *opts)
{
    if (!i18n_use_chinese())
        fprintf(stderr, "aixin desk: no Chinese catalog: pages in English\n");
    error_text_use_form_labels(true);
    const char *dir = getenv("AIXIN_DESK_TEMPLATES");
    char installed[1024];
    if (dir != NULL && dir[0] != '\0')
        desk_template_set_dir(dir);
    else if (install_path_near_exe("../share/aixin/desk-templates", installed,
                                   sizeof(installed)))
        desk_template_set_dir(installed); /* an installed aixin */
    if (!desk_template_dir_usable())
        return cli_error(CLI_EXIT_USAGE,
                         _("no page templates in %s: set AIXIN_DESK_TEMPLATES "
                           "to the folder of the desk's templates"),
                         desk_template_dir());
    desk_t d;
    memset(&d, 0, sizeof(d));
    cli_exit_t rc = desk_link_init(&d.link, opts->server);
    if (rc != CLI_EXIT_OK)
        return rc;
    /* A browser that goes away mid-answer must not end the desk. */
    signal(SIGPIPE, SIG_IGN);
    d.base = event_base_new();
    struct evhttp *http = d.base != NULL ? evhttp_new(d.base) : NULL;
    struct evhttp_bound_socket *sock =
        http != NULL ? evhttp_bind_socket_with_handle(http, "127.0.0.1", 0)
                     : NULL;
    uint16_t port = sock != NULL ? bound_port(sock) : 0;
    struct event *sigint = NULL, *sigterm = NULL;
    if (port == 0) {
        rc = cli_error(CLI_EXIT_UNAVAILABLE,
                       "%s", _("the desk cannot listen on 127.0.0.1"));
        goto out;
    }
    desk_guard_init(&d.guard, port);
    evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
                                         EVHTTP_REQ_HEAD);
    evhttp_set_max_body_size(http, DESK_MAX_BODY);
    evhttp_set_timeout(http, 120);
    evhttp_set_gencb(http, desk_dispatch, &d);
    sigint = evsignal_new(d.base, SIGINT, on_signal, d.base);
    sigterm = evsignal_new(d.base, SIGTERM, on_signal, d.base);
    if (sigint == NULL || sigterm == NULL || evsignal_add(sigint, NULL) != 0 ||
        evsignal_add(sigterm, NULL) != 0) {
        rc = cli_error(CLI_EXIT_UNAVAILABLE, "cannot handle signals");
        goto out;
    }
    char url[DESK_URL_SIZE];
    snprintf(url, sizeof(url), "%s/?k=%s", d.guard.origin, d.guard.entry_key);
    printf(_("The desk is at %s\n"), url);
    printf("%s\n", _("Open it in the browser of this computer; press Ctrl+C "
                     "to stop the desk."));
    fflush(stdout);
    if (opts->url_file != NULL && !write_url_file(opts->url_file, url)) {
        rc = cli_error(CLI_EXIT_UNAVAILABLE, "cannot write %s",
                       opts->url_file);
        goto out;
    }
    if (opts->open_browser)
        open_browser(url);
    event_base_dispatch(d.base);
    rc = CLI_EXIT_OK;
out:
    desk_import_stop(&d);
    desk_export_stop(&d);
    if (sigint != NULL)
        event_free(sigint);
    if (sigterm != NULL)
        event_free(sigterm);
    if (http != NULL)
        evhttp_free(http);
    if (d.base != NULL)
        event_base_free(d.base);
    desk_link_free(&d.link);
    desk_template_cache_free();
    return rc;
}
