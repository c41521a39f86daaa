#include "scope.h"

#include <string.h>

bool scope_contains(const char *scope, const char *target)
{
    size_t sl = strlen(scope), tl = strlen(target);
    if (sl == 0 || tl < sl)
        return false;
    if (strcmp(scope, target) == 0)
        return true;
    if (sl == 6 && strcmp(scope + 4, "00") == 0) /* a city */
        return strncmp(scope, target, 4) == 0;
    if (sl == 6) /* a county */
        return tl == 9 && strncmp(scope, target, 6) == 0;
    return false; /* a township contains only itself */
}
