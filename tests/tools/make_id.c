/*
 * make_id REGION6 YYYYMMDD SEQ3 M|F: prints a synthetic GB 11643 ID number
 * with a correct check character, for test data. The sex digit is the
 * last digit of SEQ3 adjusted to the requested parity.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "idcard.h"

int main(int argc, char **argv)
{
    if (argc != 5 || strlen(argv[1]) != 6 || strlen(argv[2]) != 8 ||
        strlen(argv[3]) != 3 || (argv[4][0] != 'M' && argv[4][0] != 'F')) {
        fprintf(stderr, "usage: make_id REGION6 YYYYMMDD SEQ3 M|F\n");
        return 2;
    }
    char digits[19];
    snprintf(digits, sizeof(digits), "%s%s%s", argv[1], argv[2], argv[3]);
    int last = digits[16] - '0';
    bool male = argv[4][0] == 'M';
    if ((last % 2 == 1) != male)
        digits[16] = (char)('0' + (last + 1) % 10);
    digits[17] = idcard_check_char(digits);
    digits[18] = '\0';
    idcard_info_t info;
    if (idcard_parse(digits, 18, &info) != IDCARD_OK) {
        fprintf(stderr, "make_id: %s is not a valid ID (bad date?)\n", digits);
        return 1;
    }
    puts(digits);
    return 0;
}
