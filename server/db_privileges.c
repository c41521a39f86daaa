#include "db_privileges.h"

#include <stdio.h>
#include <string.h>

#include "log.h"

/*
 * IMMUTABLE functions stay as they are: they touch no table, and CHECK
 * constraints and index expressions use them, where SECURITY DEFINER
 * would only cost time (and stop SQL functions from being inlined).
 */
static const char lockdown_sql[] =
    "DO $lockdown$\n"
    "DECLARE\n"
    "  serve text := current_setting('aixin.serve_role');\n"
    "  f record;\n"
    "BEGIN\n"
    "  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = serve) THEN\n"
    "    BEGIN\n"
    "      EXECUTE format('CREATE ROLE %I LOGIN', serve);\n"
    "    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;\n"
    "    END;\n"
    "  END IF;\n"
    "  FOR f IN SELECT p.oid::regprocedure AS sig, p.provolatile\n"
    "             FROM pg_proc p\n"
    "             JOIN pg_namespace n ON n.oid = p.pronamespace\n"
    "            WHERE n.nspname = 'aixin' AND p.prokind = 'f' LOOP\n"
    "    IF f.provolatile <> 'i' THEN\n"
    "      EXECUTE format('ALTER FUNCTION %s SECURITY DEFINER "
    "SET search_path = aixin, pg_catalog, pg_temp', f.sig);\n"
    "    END IF;\n"
    "  END LOOP;\n"
    "  EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA aixin FROM PUBLIC, %I', serve);\n"
    "  EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA aixin FROM PUBLIC, %I', serve);\n"
    "  REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA aixin FROM PUBLIC;\n"
    "  REVOKE CREATE ON SCHEMA aixin FROM PUBLIC;\n"
    "  EXECUTE format('GRANT USAGE ON SCHEMA aixin TO %I', serve);\n"
    "  EXECUTE format('GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA aixin TO %I', serve);\n"
    "  EXECUTE format('GRANT SELECT ON public.schema_migrations TO %I', serve);\n"
    "END\n"
    "$lockdown$";

static bool exec_checked(PGconn *pg, const char *sql, int nparams,
                         const char *const *params, const char *what)
{
    PGresult *r = PQexecParams(pg, sql, nparams, NULL, params, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(r);
    bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    if (!ok)
        fprintf(stderr, "aixind: %s: %s", what, PQerrorMessage(pg));
    PQclear(r);
    return ok;
}

bool db_privileges_apply(PGconn *pg, const char *serve_role)
{
    const char *params[1] = {serve_role};
    bool ok = exec_checked(pg, "BEGIN", 0, NULL, "begin") &&
              exec_checked(pg,
                           "SELECT set_config('aixin.serve_role', $1, true)",
                           1, params, "serve_role") &&
              exec_checked(pg, lockdown_sql, 0, NULL, "privileges") &&
              exec_checked(pg, "COMMIT", 0, NULL, "commit");
    if (!ok) {
        PGresult *r = PQexec(pg, "ROLLBACK");
        PQclear(r);
        return false;
    }
    printf("privileges: functions run as their owner; %s may only execute "
           "them\n",
           serve_role);
    return true;
}

bool db_privileges_check_serving(PGconn *pg, bool allow_privileged)
{
    PGresult *r = PQexec(
        pg,
        "SELECT current_user, r.rolsuper,"
        " EXISTS (SELECT 1 FROM pg_namespace n WHERE n.nspname = 'aixin'"
        "         AND pg_has_role(current_user, n.nspowner, 'USAGE')),"
        " EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n"
        "         ON n.oid = c.relnamespace WHERE n.nspname = 'aixin'"
        "         AND c.relkind IN ('r', 'p')"
        "         AND has_table_privilege(c.oid, 'SELECT, INSERT, UPDATE,"
        " DELETE, TRUNCATE'))"
        " FROM pg_roles r WHERE r.rolname = current_user");
    bool ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
    if (!ok) {
        fprintf(stderr, "aixind: %s", PQerrorMessage(pg));
        PQclear(r);
        return false;
    }
    const char *user = PQgetvalue(r, 0, 0);
    bool super = strcmp(PQgetvalue(r, 0, 1), "t") == 0;
    bool owner = strcmp(PQgetvalue(r, 0, 2), "t") == 0;
    bool tables = strcmp(PQgetvalue(r, 0, 3), "t") == 0;
    if (super || owner || tables) {
        const char *why = super ? "superuser" : owner ? "schema_owner" : "table_rights";
        if (allow_privileged) {
            log_warn("event=privileged_role user=%s reason=%s "
                     "note=\"allowed by allow_privileged_role\"",
                     user, why);
        } else {
            log_error("event=refuse_start reason=privileged_role user=%s "
                      "detail=%s hint=\"serve as the role --migrate granted "
                      "EXECUTE to (serve_role), or set allow_privileged_role\"",
                      user, why);
            ok = false;
        }
    }
    PQclear(r);
    return ok;
}
