/*
 * LD_PRELOAD shim for the spool fault tests: fsync() of a file whose path
 * contains $AIXIN_FAULT_FSYNC_MATCH fails with EIO, as on a disk that
 * lost its writes. Every other fsync() is the real one.
 */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int fsync(int fd)
{
    static int (*real_fsync)(int);
    if (real_fsync == NULL)
        real_fsync = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    const char *match = getenv("AIXIN_FAULT_FSYNC_MATCH");
    if (match != NULL && match[0] != '\0') {
        char link[64];
        char path[PATH_MAX];
        snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
        ssize_t n = readlink(link, path, sizeof(path) - 1);
        if (n > 0) {
            path[n] = '\0';
            if (strstr(path, match) != NULL) {
                errno = EIO;
                return -1;
            }
        }
    }
    return real_fsync(fd);
}
