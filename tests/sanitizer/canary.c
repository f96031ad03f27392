/* canary.c - proof that the sanitizers of a PATROLSIM_SANITIZE build are awake.
 *
 *     canary leak | overflow | ub
 *
 * Each mode commits one error that its sanitizer must report: a leaked allocation
 * (LeakSanitizer, which runs at exit), a read past the end of a heap block (AddressSanitizer)
 * and a signed integer overflow (UndefinedBehaviorSanitizer). The tests pass only when the
 * report appears, so a sanitized suite whose sanitizers were switched off (a changed flag, a
 * runtime that cannot start, LSan refused under ptrace, ASAN_OPTIONS=detect_leaks=0) fails
 * instead of passing silently. Values come from argv so the compiler cannot see the errors.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The allocation and its only pointer live in a frame of their own, gone by the time
 * LeakSanitizer looks (at exit); the address is never printed, so no copy of it survives. */
static __attribute__((noinline)) int canary_leak(const char *text, size_t n)
{
    char *volatile p = malloc(n * 1000);
    if (!p) return 1;
    memcpy(p, text, n);
    printf("leaking %zu bytes\n", n * 1000);
    p = NULL;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: canary leak|overflow|ub\n");
        return 2;
    }
    size_t n = strlen(argv[1]) + 1;
    if (strcmp(argv[1], "leak") == 0) return canary_leak(argv[1], n);
    if (strcmp(argv[1], "overflow") == 0) {
        char *p = malloc(n);
        if (!p) return 1;
        memcpy(p, argv[1], n);
        volatile char c = p[n + 7]; /* past the block: AddressSanitizer must stop here */
        printf("read %d\n", c);
        free(p);
        return 0;
    }
    if (strcmp(argv[1], "ub") == 0) {
        volatile int big = INT_MAX - (int)n + 3; /* INT_MAX + 1 after the addition */
        int sum = big + (int)n - 2;
        printf("sum %d\n", sum);
        return 0;
    }
    fprintf(stderr, "canary: unknown mode '%s'\n", argv[1]);
    return 2;
}
