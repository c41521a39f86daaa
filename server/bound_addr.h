/*
 * The address a listening socket really got (after binding port 0, the
 * kernel's choice), as "HOST:PORT", and the file that reports it: written
 * to a temporary name and renamed, so a reader sees a whole line or no
 * file at all.
 */
#ifndef AIXIN_BOUND_ADDR_H
#define AIXIN_BOUND_ADDR_H

#include <event2/util.h>
#include <stdbool.h>
#include <stddef.h>

/* "127.0.0.1:7460" or "[::1]:7460"; false (errno set) when the socket has
 * no address. */
bool bound_addr_format(evutil_socket_t fd, char *out, size_t outlen);

/* Write ADDR and a newline to PATH (mode 0644) atomically; false with a
 * logged reason. */
bool bound_addr_write_file(const char *path, const char *addr);

#endif
