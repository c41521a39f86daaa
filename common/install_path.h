/*
 * Where the installed data files are: relative to the running executable
 * (bin/aixin or sbin/aixind next to share/aixin/sql, share/locale), so that
 * an installed copy finds its own files wherever its prefix is (/usr, a
 * package unpacked into a throwaway root), while a binary run from the
 * build tree, which has no such neighbour, keeps the build's own paths.
 */
#ifndef AIXIN_INSTALL_PATH_H
#define AIXIN_INSTALL_PATH_H

#include <stdbool.h>
#include <stddef.h>

/* OUT = <directory of the executable>/REL when that is a directory; false
 * (OUT untouched) otherwise. */
bool install_path_near_exe(const char *rel, char *out, size_t outlen);

#endif
