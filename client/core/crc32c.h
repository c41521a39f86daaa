/*
 * CRC-32C (Castagnoli, polynomial 0x1EDC6F41, reflected), the checksum of
 * iSCSI, ext4 and PostgreSQL's WAL: it guards each record of the offline
 * spool against torn and corrupted writes.
 */
#ifndef AIXIN_CLIENT_CRC32C_H
#define AIXIN_CLIENT_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* CRC-32C of data[0..len); crc32c_compute("123456789", 9) == 0xE3069283. */
uint32_t crc32c_compute(const void *data, size_t len);

#endif
