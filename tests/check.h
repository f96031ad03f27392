/* check.h - the tiny test harness: CHECK macros that print file, line and both values.
 *
 * A failed check prints and counts, and the test goes on, so one run shows every failure;
 * CHECK_DONE() returns the exit status for main. No framework, no registration.
 */
#ifndef PATROLSIM_CHECK_H
#define PATROLSIM_CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int check_failures;

#define CHECK(cond)                                                                        \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);       \
            check_failures++;                                                              \
        }                                                                                  \
    } while (0)

#define CHECK_EQ(a, b)                                                                     \
    do {                                                                                   \
        long long check_a_ = (long long)(a), check_b_ = (long long)(b);                    \
        if (check_a_ != check_b_) {                                                        \
            fprintf(stderr, "%s:%d: check failed: %s == %s (%lld vs %lld)\n", __FILE__,    \
                    __LINE__, #a, #b, check_a_, check_b_);                                 \
            check_failures++;                                                              \
        }                                                                                  \
    } while (0)

#define CHECK_NEAR(a, b, tol)                                                              \
    do {                                                                                   \
        double check_a_ = (double)(a), check_b_ = (double)(b);                             \
        if (!(fabs(check_a_ - check_b_) <= (tol))) {                                       \
            fprintf(stderr, "%s:%d: check failed: %s ~ %s (%.17g vs %.17g, tol %g)\n",      \
                    __FILE__, __LINE__, #a, #b, check_a_, check_b_, (double)(tol));        \
            check_failures++;                                                              \
        }                                                                                  \
    } while (0)

#define CHECK_STR(a, b)                                                                    \
    do {                                                                                   \
        const char *check_a_ = (a), *check_b_ = (b);                                       \
        if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_) != 0) {                   \
            fprintf(stderr, "%s:%d: check failed: %s == %s (\"%s\" vs \"%s\")\n", __FILE__, \
                    __LINE__, #a, #b, check_a_ ? check_a_ : "(null)",                      \
                    check_b_ ? check_b_ : "(null)");                                       \
            check_failures++;                                                              \
        }                                                                                  \
    } while (0)

#define CHECK_DONE()                                                                       \
    (check_failures ? (fprintf(stderr, "%d check(s) failed\n", check_failures), 1)         \
                    : (printf("all checks passed\n"), 0))

#endif
