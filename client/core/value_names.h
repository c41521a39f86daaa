/*
 * The protocol's names of roles, levels, household kinds, sexes, events,
 * claim states and service classes ("township_clerk", "only_child", "M")
 * as a person reads them in a table (乡镇计生专干, 独生子女户, 男). JSON keeps
 * the protocol's names.
 */
#ifndef AIXIN_CLIENT_VALUE_NAMES_H
#define AIXIN_CLIENT_VALUE_NAMES_H

/* The translated text of a known name (borrowed), else `name` itself. */
const char *value_name_text(const char *name);

#endif
