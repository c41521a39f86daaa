/* aixin household register, add-child, show, find. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli_connect.h"
#include "commands.h"
#include "input_check.h"
#include "names.h"
#include "records.h"
#include "rpc.h"
#include "i18n.h"

#define HOUSEHOLD_REGISTER "household register"
#define HOUSEHOLD_ADD_CHILD "household add-child"
#define HOUSEHOLD_SHOW "household show"
#define HOUSEHOLD_FIND "household find"
#define HOUSEHOLD_MAX_GUARDIANS 2
/* Room for an ID number and then some, so a long one is still reported
 * as "wrong length" rather than cut. */
#define GUARDIAN_ID_BUF 64

static const char *const register_help =
    N_("Usage: aixin household register --township CODE --kind KIND\n"
    "                                --certificate NO --guardian ID:NAME\n"
    "                                [--guardian ID:NAME]\n"
    "\n"
    "Register a family-planning household in a township. Prints the\n"
    "household with its guardians (full ID numbers).\n"
    "\n"
    "Options:\n"
    "  -t, --township CODE       township code, 9 digits\n"
    "  -k, --kind KIND           only_child (独生子女户) or two_daughters\n"
    "                            (二女户)\n"
    "  -c, --certificate NO      the household's certificate number, 1-32\n"
    "                            printable ASCII characters, no spaces\n"
    "  -g, --guardian ID:NAME    a guardian's 18-character ID number and\n"
    "                            name; once or twice\n"
    "  -h, --help                show this help\n"
    "\n"
    "Example:\n"
    "  aixin household register --township 360821100 --kind only_child \\\n"
    "      --certificate JA2019-00123 \\\n"
    "      --guardian 360821199001011237:张伟 "
    "--guardian 360821199203052344:李娜\n");

static const char *const add_child_help =
    N_("Usage: aixin household add-child --household ID --id-number ID\n"
    "                                 --name NAME [--sex M|F]\n"
    "                                 [--birth-date YYYY-MM-DD]\n"
    "\n"
    "Add a child to a household. Sex and birth date are read from the ID\n"
    "number when not given; when given they must agree with it. Prints the\n"
    "child.\n"
    "\n"
    "Options:\n"
    "  -H, --household ID          the household's id (from register/show)\n"
    "  -i, --id-number ID          the child's 18-character ID number\n"
    "  -n, --name NAME             the child's name\n"
    "  -s, --sex M|F               M or F\n"
    "  -b, --birth-date YYYY-MM-DD the birth date\n"
    "  -h, --help                  show this help\n"
    "\n"
    "Example:\n"
    "  aixin household add-child --household 42 \\\n"
    "      --id-number 360821202203150029 --name 张小雨\n");

static const char *const show_help =
    N_("Usage: aixin household show --guardian ID\n"
    "\n"
    "Show the household one of whose guardians has this ID number, with its\n"
    "guardians and children.\n"
    "\n"
    "Options:\n"
    "  -g, --guardian ID   a guardian's 18-character ID number\n"
    "  -h, --help          show this help\n"
    "\n"
    "Example:\n"
    "  aixin household show --guardian 360821199001011237\n");

static const char *const find_help =
    N_("Usage: aixin household find --guardian ID | --certificate NO |\n"
    "                            --child ID\n"
    "\n"
    "Find a household by one of its guardians, its certificate number\n"
    "(独生子女证号) or one of its children, and show it with its guardians\n"
    "and children. Give exactly one of the three.\n"
    "\n"
    "Options:\n"
    "  -g, --guardian ID      a guardian's 18-character ID number\n"
    "  -c, --certificate NO   the household's certificate number\n"
    "  -C, --child ID         a child's 18-character ID number\n"
    "  -h, --help             show this help\n"
    "\n"
    "Examples:\n"
    "  aixin household find --certificate JA-0001\n"
    "  aixin household find --child 360821202203150029\n");

static cli_exit_t print_household(const cli_context_t *ctx,
                                  const Aixin__V1__Household *h)
{
    output_doc_t doc;
    output_doc_init(&doc, false);
    records_add_household(&doc, output_doc_add_record(&doc), h);
    bool ok = output_render(&doc, ctx->format, stdout);
    output_doc_free(&doc);
    return ok ? CLI_EXIT_OK : CLI_EXIT_UNAVAILABLE;
}

typedef struct guardian_arg {
    char id[GUARDIAN_ID_BUF]; /* the part before ':' */
    const char *name;         /* borrowed from argv */
} guardian_arg_t;

/* Split "ID:NAME" and check both parts. */
static cli_exit_t guardian_parse(const char *arg, size_t index,
                                 guardian_arg_t *out)
{
    const char *colon = strchr(arg, ':');
    if (colon == NULL)
        return cli_usage_error(HOUSEHOLD_REGISTER,
                               _("--guardian '%s': expected ID:NAME"), arg);
    size_t id_len = (size_t)(colon - arg);
    if (id_len >= sizeof(out->id))
        id_len = sizeof(out->id) - 1;
    memcpy(out->id, arg, id_len);
    out->id[id_len] = '\0';
    input_normalize_id_number(out->id);
    out->name = colon + 1;
    char field[48];
    snprintf(field, sizeof(field), "guardians[%zu].id_number", index);
    cli_exit_t rc = input_check_id_number(out->id, field, NULL);
    if (rc != CLI_EXIT_OK)
        return rc;
    snprintf(field, sizeof(field), "guardians[%zu].name", index);
    return input_check_person_name(out->name, field);
}

static cli_exit_t household_register(const cli_context_t *ctx, int argc,
                                     char **argv)
{
    static const struct option options[] = {
        {"township", required_argument, NULL, 't'},
        {"kind", required_argument, NULL, 'k'},
        {"certificate", required_argument, NULL, 'c'},
        {"guardian", required_argument, NULL, 'g'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *township = NULL;
    const char *kind_name = NULL;
    const char *certificate = NULL;
    const char *guardian_args[HOUSEHOLD_MAX_GUARDIANS];
    size_t n_guardians = 0;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":t:k:c:g:h", options, NULL)) != -1) {
        switch (c) {
        case 't':
            township = optarg;
            break;
        case 'k':
            kind_name = optarg;
            break;
        case 'c':
            certificate = optarg;
            break;
        case 'g':
            if (n_guardians == HOUSEHOLD_MAX_GUARDIANS)
                return cli_usage_error(HOUSEHOLD_REGISTER,
                                       _("at most %d --guardian options"),
                                       HOUSEHOLD_MAX_GUARDIANS);
            guardian_args[n_guardians++] = optarg;
            break;
        case 'h':
            fputs(_(register_help), stdout);
            return CLI_EXIT_OK;
        default:
            return cli_report_bad_option(HOUSEHOLD_REGISTER, argv, c);
        }
    }
    cli_exit_t rc = cli_check_no_operands(HOUSEHOLD_REGISTER, argc, argv);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (township == NULL)
        return cli_usage_error(HOUSEHOLD_REGISTER, _("missing --township"));
    if (kind_name == NULL)
        return cli_usage_error(HOUSEHOLD_REGISTER, _("missing --kind"));
    if (certificate == NULL)
        return cli_usage_error(HOUSEHOLD_REGISTER, _("missing --certificate"));
    if (n_guardians == 0)
        return cli_usage_error(HOUSEHOLD_REGISTER, _("missing --guardian"));
    Aixin__V1__HouseholdKind kind = names_household_kind_parse(kind_name);
    if (kind == AIXIN__V1__HOUSEHOLD_KIND__HOUSEHOLD_KIND_UNSPECIFIED)
        return cli_usage_error(HOUSEHOLD_REGISTER,
                               _("--kind: '%s' is not only_child or "
                               "two_daughters"),
                               kind_name);

    rc = input_check_township_code(township, "township_code");
    if (rc == CLI_EXIT_OK)
        rc = input_check_certificate(certificate, "certificate_no");
    guardian_arg_t parsed[HOUSEHOLD_MAX_GUARDIANS];
    for (size_t i = 0; rc == CLI_EXIT_OK && i < n_guardians; i++)
        rc = guardian_parse(guardian_args[i], i, &parsed[i]);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (n_guardians == 2 && strcmp(parsed[0].id, parsed[1].id) == 0)
        return cli_reject_input("guardians[1].id_number",
                                _("the two guardians have the same ID number"));

    rpc_client_t *client = NULL;
    rc = cli_connect(ctx, &client);
    if (rc != CLI_EXIT_OK)
        return rc;
    Aixin__V1__Guardian guardians[HOUSEHOLD_MAX_GUARDIANS];
    Aixin__V1__Guardian *guardian_ptrs[HOUSEHOLD_MAX_GUARDIANS];
    for (size_t i = 0; i < n_guardians; i++) {
        aixin__v1__guardian__init(&guardians[i]);
        guardians[i].id_number = parsed[i].id;
        guardians[i].name = (char *)parsed[i].name;
        guardian_ptrs[i] = &guardians[i];
    }
    Aixin__V1__RegisterHousehold body = AIXIN__V1__REGISTER_HOUSEHOLD__INIT;
    body.township_code = (char *)township;
    body.kind = kind;
    body.certificate_no = (char *)certificate;
    body.n_guardians = n_guardians;
    body.guardians = guardian_ptrs;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_REGISTER_HOUSEHOLD;
    req.register_household = &body;
    Aixin__V1__Response *resp = NULL;
    rc = rpc_client_call(client, &req, AIXIN__V1__RESPONSE__BODY_HOUSEHOLD,
                         &resp);
    if (rc == CLI_EXIT_OK) {
        rc = print_household(ctx, resp->household);
        aixin__v1__response__free_unpacked(resp, NULL);
    }
    rpc_client_close(client);
    return rc;
}

/* Sex and birth date: from the ID number, or checked against it. */
static cli_exit_t child_check_against_id(const idcard_info_t *info,
                                         const char *sex_text,
                                         const char *date_text,
                                         Aixin__V1__Sex *sex,
                                         char date[CIVIL_DATE_TEXT_SIZE])
{
    civil_date_t from_id = {info->year, info->month, info->day};
    civil_date_format(from_id, date);
    char id_sex[2] = {info->sex, '\0'};
    *sex = names_sex_parse(id_sex);
    if (sex_text != NULL) {
        /* names.h spells sexes "M" and "F"; take lower case too. */
        char upper[2] = {sex_text[0], '\0'};
        if (upper[0] == 'm' || upper[0] == 'f')
            upper[0] = (char)(upper[0] - 'a' + 'A');
        Aixin__V1__Sex given =
            sex_text[0] != '\0' && sex_text[1] == '\0'
                ? names_sex_parse(upper)
                : AIXIN__V1__SEX__SEX_UNSPECIFIED;
        if (given == AIXIN__V1__SEX__SEX_UNSPECIFIED)
            return cli_usage_error(HOUSEHOLD_ADD_CHILD,
                                   _("--sex: '%s' is not M or F"), sex_text);
        if (given != *sex)
            return cli_reject_input("sex",
                                    _("sex %s does not agree with the ID "
                                    "number, which says %s"),
                                    names_sex(given), id_sex);
    }
    if (date_text != NULL) {
        civil_date_t given;
        cli_exit_t rc = input_check_date(date_text, "birth_date", &given);
        if (rc != CLI_EXIT_OK)
            return rc;
        if (civil_date_compare(given, from_id) != 0)
            return cli_reject_input("birth_date",
                                    _("birth date %s does not agree with the "
                                    "ID number, which says %s"),
                                    date_text, date);
    }
    return CLI_EXIT_OK;
}

static cli_exit_t household_add_child(const cli_context_t *ctx, int argc,
                                      char **argv)
{
    static const struct option options[] = {
        {"household", required_argument, NULL, 'H'},
        {"id-number", required_argument, NULL, 'i'},
        {"name", required_argument, NULL, 'n'},
        {"sex", required_argument, NULL, 's'},
        {"birth-date", required_argument, NULL, 'b'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *household_text = NULL;
    char *id_number = NULL;
    const char *name = NULL;
    const char *sex_text = NULL;
    const char *date_text = NULL;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":H:i:n:s:b:h", options, NULL)) !=
           -1) {
        switch (c) {
        case 'H':
            household_text = optarg;
            break;
        case 'i':
            id_number = optarg;
            break;
        case 'n':
            name = optarg;
            break;
        case 's':
            sex_text = optarg;
            break;
        case 'b':
            date_text = optarg;
            break;
        case 'h':
            fputs(_(add_child_help), stdout);
            return CLI_EXIT_OK;
        default:
            return cli_report_bad_option(HOUSEHOLD_ADD_CHILD, argv, c);
        }
    }
    cli_exit_t rc = cli_check_no_operands(HOUSEHOLD_ADD_CHILD, argc, argv);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (household_text == NULL)
        return cli_usage_error(HOUSEHOLD_ADD_CHILD, _("missing --household"));
    if (id_number == NULL)
        return cli_usage_error(HOUSEHOLD_ADD_CHILD, _("missing --id-number"));
    if (name == NULL)
        return cli_usage_error(HOUSEHOLD_ADD_CHILD, _("missing --name"));
    input_normalize_id_number(id_number);
    int64_t household_id;
    idcard_info_t info;
    Aixin__V1__Sex sex = AIXIN__V1__SEX__SEX_UNSPECIFIED;
    char birth_date[CIVIL_DATE_TEXT_SIZE];
    rc = input_check_record_id(household_text, "household_id", &household_id);
    if (rc == CLI_EXIT_OK)
        rc = input_check_id_number(id_number, "id_number", &info);
    if (rc == CLI_EXIT_OK)
        rc = input_check_person_name(name, "name");
    if (rc == CLI_EXIT_OK)
        rc = child_check_against_id(&info, sex_text, date_text, &sex,
                                    birth_date);
    if (rc != CLI_EXIT_OK)
        return rc;

    rpc_client_t *client = NULL;
    rc = cli_connect(ctx, &client);
    if (rc != CLI_EXIT_OK)
        return rc;
    Aixin__V1__AddChild body = AIXIN__V1__ADD_CHILD__INIT;
    body.household_id = household_id;
    body.id_number = id_number;
    body.name = (char *)name;
    body.sex = sex;
    body.birth_date = birth_date;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_ADD_CHILD;
    req.add_child = &body;
    Aixin__V1__Response *resp = NULL;
    rc = rpc_client_call(client, &req, AIXIN__V1__RESPONSE__BODY_CHILD, &resp);
    if (rc == CLI_EXIT_OK) {
        output_doc_t doc;
        output_doc_init(&doc, false);
        records_add_child(&doc, output_doc_add_record(&doc), resp->child);
        if (!output_render(&doc, ctx->format, stdout))
            rc = CLI_EXIT_UNAVAILABLE;
        output_doc_free(&doc);
        aixin__v1__response__free_unpacked(resp, NULL);
    } else if (rpc_client_refusal(client) ==
               AIXIN__V1__ERROR_CODE__ERROR_CODE_ALREADY_EXISTS) {
        cmd_enroll_explain_duplicate(client, id_number, 0);
    }
    rpc_client_close(client);
    return rc;
}

/*
 * household find (and show, its older name): the household by exactly
 * one of a guardian's ID number, the certificate number or a child's ID
 * number.
 */
static cli_exit_t household_lookup(const cli_context_t *ctx, int argc,
                                   char **argv, const char *command,
                                   const char *help)
{
    static const struct option options[] = {
        {"guardian", required_argument, NULL, 'g'},
        {"certificate", required_argument, NULL, 'c'},
        {"child", required_argument, NULL, 'C'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    char *guardian = NULL, *certificate = NULL, *child = NULL;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":g:c:C:h", options, NULL)) != -1) {
        switch (c) {
        case 'g':
            guardian = optarg;
            break;
        case 'c':
            certificate = optarg;
            break;
        case 'C':
            child = optarg;
            break;
        case 'h':
            fputs(help, stdout);
            return CLI_EXIT_OK;
        default:
            return cli_report_bad_option(command, argv, c);
        }
    }
    cli_exit_t rc = cli_check_no_operands(command, argc, argv);
    if (rc != CLI_EXIT_OK)
        return rc;
    int given = (guardian != NULL) + (certificate != NULL) + (child != NULL);
    if (given != 1)
        return cli_usage_error(
            command, _("give exactly one of --guardian, --certificate and "
                       "--child"));
    if (guardian != NULL) {
        input_normalize_id_number(guardian);
        rc = input_check_id_number(guardian, "guardian_id_number", NULL);
    } else if (child != NULL) {
        input_normalize_id_number(child);
        rc = input_check_id_number(child, "child_id_number", NULL);
    } else {
        rc = input_check_certificate(certificate, "certificate_no");
    }
    if (rc != CLI_EXIT_OK)
        return rc;

    rpc_client_t *client = NULL;
    rc = cli_connect(ctx, &client);
    if (rc != CLI_EXIT_OK)
        return rc;
    Aixin__V1__FindHousehold body = AIXIN__V1__FIND_HOUSEHOLD__INIT;
    if (guardian != NULL)
        body.guardian_id_number = guardian;
    if (certificate != NULL)
        body.certificate_no = certificate;
    if (child != NULL)
        body.child_id_number = child;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_FIND_HOUSEHOLD;
    req.find_household = &body;
    Aixin__V1__Response *resp = NULL;
    rc = rpc_client_call(client, &req, AIXIN__V1__RESPONSE__BODY_HOUSEHOLD,
                         &resp);
    if (rc == CLI_EXIT_OK) {
        rc = print_household(ctx, resp->household);
        aixin__v1__response__free_unpacked(resp, NULL);
    }
    rpc_client_close(client);
    return rc;
}

static cli_exit_t household_find(const cli_context_t *ctx, int argc,
                                 char **argv)
{
    return household_lookup(ctx, argc, argv, HOUSEHOLD_FIND, _(find_help));
}

static cli_exit_t household_show(const cli_context_t *ctx, int argc,
                                 char **argv)
{
    return household_lookup(ctx, argc, argv, HOUSEHOLD_SHOW, _(show_help));
}

const cli_command_t cmd_household_verbs[] = {
    {"register", N_("register a household with its guardians"),
     household_register, NULL},
    {"add-child", N_("add a child to a household"), household_add_child, NULL},
    {"show", N_("show a household, found by a guardian's ID number"),
     household_show, NULL},
    {"find", N_("find a household by a guardian's ID number, the "
                "certificate number or a child's ID number"),
     household_find, NULL},
    {NULL, NULL, NULL, NULL},
};
