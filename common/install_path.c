#include "install_path.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool install_path_near_exe(const char *rel, char *out, size_t outlen)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0)
        return false;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash == NULL)
        return false;
    *slash = '\0';
    char path[4096 + 256];
    if ((size_t)snprintf(path, sizeof(path), "%s/%s", exe, rel) >= sizeof(path))
        return false;
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return false;
    char real[PATH_MAX];
    if (realpath(path, real) == NULL)
        return false;
    if ((size_t)snprintf(out, outlen, "%s", real) >= outlen)
        return false;
    return true;
}
