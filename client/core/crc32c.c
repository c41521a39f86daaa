/* CRC-32C, bytewise with a 256-entry table built on first use; see crc32c.h. */
#include "crc32c.h"

#include <stdbool.h>

#define CRC32C_POLY_REFLECTED 0x82F63B78u

static uint32_t crc32c_table[256];
static bool crc32c_table_ready;

static void crc32c_table_build(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1u) ? (c >> 1) ^ CRC32C_POLY_REFLECTED : c >> 1;
        crc32c_table[i] = c;
    }
    crc32c_table_ready = true;
}

uint32_t crc32c_compute(const void *data, size_t len)
{
    if (!crc32c_table_ready)
        crc32c_table_build();
    const uint8_t *p = data;
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < len; i++)
        crc = crc32c_table[(crc ^ p[i]) & 0xFFu] ^ (crc >> 8);
    return crc ^ 0xFFFFFFFFu;
}
