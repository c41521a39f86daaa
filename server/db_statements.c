#include "db_statements.h"

#include <assert.h>
#include <stddef.h>

/* Parameter types are left to the server: each parameter is an argument
 * of a function with a declared type. */
static const db_statement_t statements[DB_STMT_COUNT] = {
    [DB_STMT_ACCOUNT_FOR_LOGIN] =
        {"account_for_login", "SELECT * FROM aixin.account_for_login($1)", 1},
    [DB_STMT_SESSION_OPEN] =
        {"session_open", "SELECT * FROM aixin.session_open($1, $2, $3)", 3},
    [DB_STMT_SESSION_RESUME] =
        {"session_resume", "SELECT * FROM aixin.session_resume($1)", 1},
    [DB_STMT_SESSION_CLOSE] =
        {"session_close", "SELECT aixin.session_close($1)", 1},
    [DB_STMT_CREATE_ACCOUNT] =
        {"create_account",
         "SELECT * FROM aixin.create_account($1, $2, $3, $4, $5, $6, $7)", 7},
    [DB_STMT_LIST_DIVISIONS] =
        {"list_divisions", "SELECT * FROM aixin.list_divisions($1, $2)", 2},
    [DB_STMT_REGISTER_HOUSEHOLD] =
        {"register_household",
         "SELECT * FROM aixin.register_household($1, $2, $3, $4, $5, $6, $7, "
         "$8, $9, $10)",
         10},
    [DB_STMT_ADD_CHILD] =
        {"add_child",
         "SELECT * FROM aixin.add_child($1, $2, $3, $4, $5, $6, $7, $8)", 8},
    [DB_STMT_FIND_HOUSEHOLD] =
        {"find_household", "SELECT * FROM aixin.find_household($1, $2, $3)",
         3},
    [DB_STMT_OPEN_POLICY_YEAR] =
        {"open_policy_year",
         "SELECT * FROM aixin.open_policy_year($1, $2, $3, $4, $5, $6)", 6},
    [DB_STMT_LIST_POLICY_YEARS] =
        {"list_policy_years", "SELECT * FROM aixin.list_policy_years($1)", 1},
    [DB_STMT_ENROLL] =
        {"enroll", "SELECT * FROM aixin.enroll($1, $2, $3, $4, $5)", 5},
    [DB_STMT_LIST_POLICIES] =
        {"list_policies", "SELECT * FROM aixin.list_policies($1, $2, $3)", 3},
};

const db_statement_t *db_statement_get(db_stmt_t id)
{
    assert((unsigned)id < DB_STMT_COUNT);
    return &statements[id];
}
