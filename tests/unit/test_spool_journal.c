/* The client's delivery journal: found keys, and pruning past retention. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "spool_journal.h"

#define DAY 86400

static char spool[256];

static int setup(void **state)
{
    snprintf(spool, sizeof(spool), "/tmp/aixin-test-journal-%d", (int)getpid());
    char path[300];
    snprintf(path, sizeof(path), "%s.journal", spool);
    unlink(path);
    return 0;
}

static int teardown(void **state)
{
    char path[300];
    snprintf(path, sizeof(path), "%s.journal", spool);
    unlink(path);
    return 0;
}

static void key_of(uint8_t key[16], int i)
{
    memset(key, 0, 16);
    key[0] = (uint8_t)i;
    key[15] = 0xA5;
}

static ino_t journal_inode(void)
{
    char path[300];
    snprintf(path, sizeof(path), "%s.journal", spool);
    struct stat st;
    return stat(path, &st) == 0 ? st.st_ino : 0;
}

static off_t journal_size(void)
{
    char path[300];
    snprintf(path, sizeof(path), "%s.journal", spool);
    struct stat st;
    return stat(path, &st) == 0 ? st.st_size : -1;
}

static void test_append_then_find(void **state)
{
    char err[SPOOL_ERROR_TEXT_SIZE];
    uint8_t keys[2][16];
    key_of(keys[0], 1);
    key_of(keys[1], 2);
    int64_t now = 1800000000;
    assert_true(spool_journal_append(spool, &keys[0][0], 2, now, "db-1", err));
    spool_journal_t j;
    assert_true(spool_journal_load(spool, &j, err));
    assert_int_equal(spool_journal_find(&j, keys[1], "db-1"), now);
    uint8_t other[16];
    key_of(other, 3);
    assert_int_equal(spool_journal_find(&j, other, "db-1"), 0);
    spool_journal_free(&j);
}

static void test_old_entries_pruned_at_append(void **state)
{
    char err[SPOOL_ERROR_TEXT_SIZE];
    int64_t now = 1800000000;
    uint8_t old[16], kept[16], fresh[16];
    key_of(old, 1);
    key_of(kept, 2);
    key_of(fresh, 3);
    assert_true(spool_journal_append(spool, old, 1, now - 401 * DAY, "db-1", err));
    assert_true(spool_journal_append(spool, kept, 1, now - 399 * DAY, "db-1", err));
    assert_int_equal(journal_size(), 2 * SPOOL_JOURNAL_ENTRY_SIZE);
    assert_true(spool_journal_append(spool, fresh, 1, now, "db-1", err));
    assert_int_equal(journal_size(), 2 * SPOOL_JOURNAL_ENTRY_SIZE);
    spool_journal_t j;
    assert_true(spool_journal_load(spool, &j, err));
    assert_int_equal(j.n, 2);
    assert_int_equal(spool_journal_find(&j, old, "db-1"), 0);
    assert_int_equal(spool_journal_find(&j, kept, "db-1"), now - 399 * DAY);
    assert_int_equal(spool_journal_find(&j, fresh, "db-1"), now);
    spool_journal_free(&j);
}

static void test_nothing_old_nothing_rewritten(void **state)
{
    char err[SPOOL_ERROR_TEXT_SIZE];
    int64_t now = 1800000000;
    uint8_t a[16], b[16];
    key_of(a, 1);
    key_of(b, 2);
    assert_true(spool_journal_append(spool, a, 1, now - DAY, "db-1", err));
    ino_t before = journal_inode();
    assert_true(spool_journal_append(spool, b, 1, now, "db-1", err));
    assert_int_equal(journal_size(), 2 * SPOOL_JOURNAL_ENTRY_SIZE);
    /* Appended in place: the file was not replaced by a pruned copy. */
    assert_int_equal(journal_inode(), before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_append_then_find, setup, teardown),
        cmocka_unit_test_setup_teardown(test_old_entries_pruned_at_append, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nothing_old_nothing_rewritten, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
