/*
 * Request handlers. Each finishes its request exactly once with
 * request_reply() or request_reply_error(), now or from a callback. At
 * entry req->conn is set and authorised per dispatch.c.
 */
#ifndef AIXIN_HANDLERS_H
#define AIXIN_HANDLERS_H

#include "request.h"

/* handle_session.c */
void handle_hello(request_t *req);
void handle_login(request_t *req);
void handle_authenticate(request_t *req);
void handle_logout(request_t *req);
void handle_create_account(request_t *req);

/* handle_registry.c */
void handle_list_divisions(request_t *req);
void handle_register_household(request_t *req);
void handle_add_child(request_t *req);
void handle_find_household(request_t *req);

/* handle_policy.c */
void handle_open_policy_year(request_t *req);
void handle_list_policy_years(request_t *req);
void handle_enroll(request_t *req);
void handle_list_policies(request_t *req);

#endif
