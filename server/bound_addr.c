#include "bound_addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"

bool bound_addr_format(evutil_socket_t fd, char *out, size_t outlen)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
        return false;
    char host[INET6_ADDRSTRLEN];
    if (ss.ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)&ss;
        if (inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host)) == NULL)
            return false;
        snprintf(out, outlen, "%s:%u", host, (unsigned)ntohs(in->sin_port));
        return true;
    }
    if (ss.ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&ss;
        if (inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host)) == NULL)
            return false;
        snprintf(out, outlen, "[%s]:%u", host, (unsigned)ntohs(in6->sin6_port));
        return true;
    }
    errno = EAFNOSUPPORT;
    return false;
}

bool bound_addr_write_file(const char *path, const char *addr)
{
    char tmp[1100];
    if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
        log_error("event=bound_addr_file_failed path=\"%s\" reason=too_long", path);
        return false;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        log_error("event=bound_addr_file_failed path=\"%s\" detail=\"%s\"", tmp,
                  strerror(errno));
        return false;
    }
    char line[300];
    int n = snprintf(line, sizeof(line), "%s\n", addr);
    bool ok = n > 0 && (size_t)n < sizeof(line) &&
              write(fd, line, (size_t)n) == (ssize_t)n;
    if (close(fd) != 0)
        ok = false;
    if (ok && rename(tmp, path) != 0)
        ok = false;
    if (!ok) {
        log_error("event=bound_addr_file_failed path=\"%s\" detail=\"%s\"", path,
                  strerror(errno));
        unlink(tmp);
    }
    return ok;
}
