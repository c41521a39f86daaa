/*
 * aixin account import: many accounts from a CSV file (city admin).
 *
 * The file never holds a password. Each account gets a strong initial
 * password made here (16 characters from 54 unambiguous letters and
 * digits, libsodium's randombytes_uniform: about 92 bits), which goes to
 * the server over the connection (TLS in production) and to a password
 * file created new with mode 0600 (never overwritten, never in the error
 * file, never printed), for the security officer to hand over sealed;
 * each person then sets their own with `aixin password change`.
 *
 * The row's key mixes the generated password into its content key
 * (bulk_run.h): a retry within the run is the same change, but running
 * the same file again is a new request for an account that exists, which
 * the server refuses (ALREADY_EXISTS, username) without touching it. So
 * no account is made twice, and the password file only ever lists
 * passwords that are the accounts' own.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bulk_run.h"
#include "cmd_bulk.h"
#include "i18n.h"
#include "input_check.h"
#include "names.h"

#define ACCOUNT_IMPORT "account import"
#define PASSWORD_CHARS 16
/* No 0/O/o, 1/l/I: read aloud or copied by hand without mistakes. */
static const char password_alphabet[] =
    "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

static const char account_import_help[] = N_(
    "Usage: aixin account import FILE.csv [--passwords FILE] [--errors "
    "FILE]\n"
    "                            [--patience S]\n"
    "\n"
    "Create many accounts from a CSV file as Excel saves it (UTF-8 with or\n"
    "without a byte order mark, or GB18030), as `aixin account create`\n"
    "would (city admin). Columns, in any order, English or Chinese headers\n"
    "(others ignored):\n"
    "  username               用户名, 账号     (3-32 of a-z 0-9 _ . -)\n"
    "  role                   角色   (city_admin, county_clerk,\n"
    "                         township_clerk, insurer_adjuster, auditor;\n"
    "                         or 市管理员, 县级专干, 乡镇专干, 理赔员, 审计员)\n"
    "  division               区划代码, 单位代码\n"
    "  insurer (optional)     保险公司代码     (adjusters only)\n"
    "  supervisor (optional)  主管   (yes/no, 是/否; adjusters only)\n"
    "\n"
    "The file holds no password. Each account gets a strong initial\n"
    "password (16 random letters and digits) made on this computer; the\n"
    "passwords are written to the password file only, created new with\n"
    "mode 0600 (readable by you alone; an existing file is never\n"
    "overwritten): username, password, role, division. Hand each one over\n"
    "sealed, have its owner change it at once (`aixin password change`),\n"
    "and delete the file. An account created without its line reaching the\n"
    "file (a crash between the two) gets a new one with `aixin account\n"
    "reset-password`.\n"
    "\n"
    "Running the same file again creates nothing twice: the accounts made\n"
    "before are refused as existing (ALREADY_EXISTS) and keep their\n"
    "passwords. One line per row says done or refused; refused rows go to\n"
    "the error file (line, reason, field, then the row) in the file's own\n"
    "encoding; there is none when nothing was refused.\n"
    "\n"
    "Exit status: 0 every account created; 1 some refused; 2 usage; 3 the\n"
    "server stayed unreachable or the password file could not be written.\n"
    "\n"
    "Options:\n"
    "      --passwords FILE   the password file (default\n"
    "                         FILE.passwords.csv, next to FILE.csv)\n"
    "  -e, --errors FILE      the error file (default FILE.errors.csv)\n"
    "  -p, --patience S       seconds to wait for an unreachable server,\n"
    "                         1-86400 (default 120)\n"
    "  -h, --help             show this help\n"
    "\n"
    "Example:\n"
    "  aixin account import 2027-clerks.csv\n");

enum { ACC_USERNAME, ACC_ROLE, ACC_DIVISION, ACC_INSURER, ACC_SUPERVISOR };

static const bulk_choice_t role_choices[] = {
    {"市管理员", "city_admin"},       {"市级管理员", "city_admin"},
    {"县级专干", "county_clerk"},     {"县专干", "county_clerk"},
    {"县级经办", "county_clerk"},     {"乡镇专干", "township_clerk"},
    {"计生专干", "township_clerk"},   {"乡镇经办", "township_clerk"},
    {"理赔员", "insurer_adjuster"},   {"保险理赔员", "insurer_adjuster"},
    {"审计员", "auditor"},            {"审计", "auditor"},
    {NULL, NULL},
};

static const bulk_choice_t yes_no_choices[] = {
    {"是", "yes"}, {"否", "no"}, {"true", "yes"}, {"false", "no"},
    {"1", "yes"},  {"0", "no"},  {NULL, NULL},
};

static const bulk_column_t account_columns[] = {
    [ACC_USERNAME] = {"username", {"用户名", "账号", NULL}, true,
                      BULK_VALUE_TEXT, NULL, "username"},
    [ACC_ROLE] = {"role", {"角色", NULL}, true, BULK_VALUE_CHOICE,
                  role_choices, "role"},
    [ACC_DIVISION] = {"division", {"区划代码", "单位代码", NULL}, true,
                      BULK_VALUE_TEXT, NULL, "division_code"},
    [ACC_INSURER] = {"insurer", {"保险公司代码", NULL}, false,
                     BULK_VALUE_TEXT, NULL, "insurer_code"},
    [ACC_SUPERVISOR] = {"supervisor", {"主管", NULL}, false,
                        BULK_VALUE_CHOICE, yes_no_choices, "supervisor"},
};

static const bulk_spec_t account_spec = {
    ACCOUNT_IMPORT, account_columns,
    sizeof(account_columns) / sizeof(account_columns[0])};

typedef struct account_import {
    const char *passwords_path; /* --passwords, or NULL */
    char *path;                 /* owned: the password file */
    FILE *out;                  /* the password file, 0600 */
    size_t n_written;           /* accounts listed in it */
    char password[PASSWORD_CHARS + 1]; /* the current row's */
    size_t password_rec;        /* the row it was made for */
} account_import_t;

typedef struct account_scratch {
    Aixin__V1__CreateAccount body;
} account_scratch_t;

static void password_make(char out[PASSWORD_CHARS + 1])
{
    for (size_t i = 0; i < PASSWORD_CHARS; i++)
        out[i] = password_alphabet[randombytes_uniform(
            (uint32_t)(sizeof(password_alphabet) - 1))];
    out[PASSWORD_CHARS] = '\0';
}

static cli_exit_t account_build(void *ctx, const bulk_file_t *f, size_t rec,
                                Aixin__V1__Request *req, void *scratch)
{
    account_import_t *a = ctx;
    account_scratch_t *s = scratch;
    Aixin__V1__CreateAccount *b = &s->body;
    aixin__v1__create_account__init(b);
    const char *role = bulk_file_value(f, rec, ACC_ROLE);
    b->role = names_role_parse(role);
    if (b->role == AIXIN__V1__ROLE__ROLE_UNSPECIFIED)
        return cli_reject_input("role",
                                _("'%s' is not a role: city_admin, "
                                  "county_clerk, township_clerk, "
                                  "insurer_adjuster or auditor"),
                                role);
    const char *supervisor = bulk_file_value(f, rec, ACC_SUPERVISOR);
    if (supervisor[0] != '\0' && strcmp(supervisor, "yes") != 0 &&
        strcmp(supervisor, "no") != 0)
        return cli_reject_input("supervisor",
                                _("'%s' is not yes or no (是 or 否)"),
                                supervisor);
    b->supervisor = strcmp(supervisor, "yes") == 0;
    cli_exit_t rc = input_check_division_code(
        bulk_file_value(f, rec, ACC_DIVISION), "division_code");
    if (rc != CLI_EXIT_OK)
        return rc;
    /* A new password for every attempt at the row; a retry inside the
     * run reuses it (same key, same request). */
    if (a->password[0] == '\0' || a->password_rec != rec) {
        password_make(a->password);
        a->password_rec = rec;
    }
    b->username = (char *)bulk_file_value(f, rec, ACC_USERNAME);
    b->division_code = (char *)bulk_file_value(f, rec, ACC_DIVISION);
    b->insurer_code = (char *)bulk_file_value(f, rec, ACC_INSURER);
    b->password = a->password;
    req->body_case = AIXIN__V1__REQUEST__BODY_CREATE_ACCOUNT;
    req->create_account = b;
    return CLI_EXIT_OK;
}

static const char *account_secret(void *ctx, size_t rec)
{
    account_import_t *a = ctx;
    return a->password_rec == rec ? a->password : NULL;
}

/* Write the account's line and make it durable before going on. */
static bool account_done(void *ctx, const bulk_file_t *f, size_t rec,
                         const Aixin__V1__Response *resp, char *text,
                         size_t size)
{
    (void)f;
    account_import_t *a = ctx;
    const Aixin__V1__Account *acc = resp->account;
    snprintf(text, size, _("account %s (%s, %s)"), acc->username,
             names_role(acc->role), acc->division_code);
    bool ok = a->password_rec == rec &&
              fprintf(a->out, "%s,%s,%s,%s\n", acc->username, a->password,
                      names_role(acc->role), acc->division_code) > 0 &&
              fflush(a->out) == 0 && fsync(fileno(a->out)) == 0;
    sodium_memzero(a->password, sizeof(a->password));
    if (!ok) {
        cli_error(CLI_EXIT_UNAVAILABLE,
                  _("cannot write %s: %s; account %s was created: give it a "
                    "password with `aixin account reset-password`"),
                  a->path, strerror(errno), acc->username);
        return false;
    }
    a->n_written++;
    return true;
}

/* The password file: new, 0600, before anything is sent. */
static cli_exit_t account_before(void *ctx, const char *csv_path)
{
    account_import_t *a = ctx;
    if (a->passwords_path != NULL) {
        a->path = strdup(a->passwords_path);
    } else {
        size_t len = strlen(csv_path);
        if (len > 4 && strcmp(csv_path + len - 4, ".csv") == 0)
            len -= 4;
        a->path = malloc(len + sizeof(".passwords.csv"));
        if (a->path != NULL) {
            memcpy(a->path, csv_path, len);
            memcpy(a->path + len, ".passwords.csv",
                   sizeof(".passwords.csv"));
        }
    }
    if (a->path == NULL)
        return cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
    int fd = open(a->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                  S_IRUSR | S_IWUSR);
    if (fd < 0 && errno == EEXIST)
        return cli_error(CLI_EXIT_REJECTED,
                         _("%s exists: a password file is never "
                           "overwritten; hand its passwords over and delete "
                           "it, or give --passwords another name"),
                         a->path);
    if (fd < 0)
        return cli_error(CLI_EXIT_UNAVAILABLE, _("cannot write %s: %s"),
                         a->path, strerror(errno));
    /* The umask may have taken bits away, never added: be exact. */
    if (fchmod(fd, S_IRUSR | S_IWUSR) != 0 ||
        (a->out = fdopen(fd, "w")) == NULL) {
        close(fd);
        unlink(a->path);
        return cli_error(CLI_EXIT_UNAVAILABLE, _("cannot write %s: %s"),
                         a->path, strerror(errno));
    }
    if (fputs("username,password,role,division\n", a->out) == EOF) {
        fclose(a->out);
        a->out = NULL;
        unlink(a->path);
        return cli_error(CLI_EXIT_UNAVAILABLE, _("cannot write %s: %s"),
                         a->path, strerror(errno));
    }
    return CLI_EXIT_OK;
}

static void account_after(void *ctx, cli_exit_t rc,
                          const bulk_run_result_t *r)
{
    (void)rc;
    (void)r;
    account_import_t *a = ctx;
    sodium_memzero(a->password, sizeof(a->password));
    if (a->out != NULL) {
        bool ok = fclose(a->out) == 0;
        a->out = NULL;
        if (a->n_written == 0) {
            unlink(a->path); /* no password in it: nothing to hand over */
        } else if (ok) {
            printf(_("passwords:     %s (%zu accounts; mode 0600: hand "
                     "them over sealed, then delete the file)\n"),
                   a->path, a->n_written);
        } else {
            cli_error(CLI_EXIT_UNAVAILABLE, _("cannot write %s"), a->path);
        }
    }
    free(a->path);
    a->path = NULL;
}

cli_exit_t cmd_account_import(const cli_context_t *ctx, int argc, char **argv)
{
    account_import_t a = {.password_rec = (size_t)-1};
    bulk_kind_t kind = {
        .spec = &account_spec,
        .key_label = "aixin-account-import-v1",
        .expect = AIXIN__V1__RESPONSE__BODY_ACCOUNT,
        .scratch_size = sizeof(account_scratch_t),
        .build = account_build,
        .key_secret = account_secret,
        .on_done = account_done,
        .ctx = &a,
    };
    cmd_bulk_hooks_t hooks = {.option = "passwords",
                              .value = &a.passwords_path,
                              .before = account_before,
                              .after = account_after,
                              .ctx = &a};
    return cmd_bulk_import(ctx, ACCOUNT_IMPORT, _(account_import_help), &kind,
                           &hooks, argc, argv);
}
