/* rng.c - xoshiro256** as a GSL generator type, seeded per (seed, rep, source). See rng.h.
 *
 * The generator is Blackman and Vigna's xoshiro256** 1.0 (2018): 256 bits of state, period
 * 2^256 - 1, about 1 ns a draw, no known statistical weakness in any output bit. It passes
 * BigCrush and PractRand; unlike xoshiro256+ its low bits are as good as its high ones, which
 * matters below because GSL uses the low bits in some places.
 *
 * Plugging it into GSL. A gsl_rng_type is a name, the range [min, max] of get(), the state size
 * and three functions: set (seed from an unsigned long), get (an integer in [min, max]) and
 * get_double (a double in [0, 1)). Two choices needed care:
 *
 *   - max is ULONG_MAX (2^64 - 1 on LP64), so get() returns the full 64-bit output. We checked
 *     how GSL 2.7 uses the range. gsl_rng_uniform_int computes range = max - min and
 *     scale = range / n, deliberately avoiding max - min + 1, so a full-width range does not
 *     overflow; because 2^64 = n * scale + r with every k < n receiving exactly `scale` values
 *     of get(), it is exactly uniform, and it accepts any n in [1, 2^64 - 1].
 *     gsl_ran_gaussian_ziggurat takes the bottom 32 bits of one get() when range >= 2^32 - 1,
 *     which is fine for xoshiro256** (and would not be for xoshiro256+). Everything else in
 *     randist goes through gsl_rng_uniform, _uniform_pos or _uniform_int. Cutting the output to
 *     32 bits (max = 0xffffffff) would also work, but would throw away half of every draw and
 *     make gsl_rng_uniform_int refuse n > 2^32 - 1, for no gain. Where unsigned long is 32 bits
 *     (ILP32, Windows) get() returns the top 32 bits and max is 0xffffffff; rng.h's contract
 *     is about LP64.
 *   - get_double does not go through get(): it takes the top 53 bits, (x >> 11) * 2^-53, so
 *     gsl_rng_uniform returns every multiple of 2^-53 in [0, 1) with equal probability whatever
 *     the width of unsigned long. gsl_rng_uniform_pos rejects the exact 0 (probability 2^-53).
 *
 * Seeding. A stream's 64-bit key mixes (seed, rep, source) (rng_stream_key); SplitMix64 run from
 * the key fills the four state words, as Vigna recommends: its outputs are equidistributed and
 * four consecutive ones are distinct, so the state is never all zero (the one forbidden state).
 * The type's set(), which gsl_rng_alloc and gsl_rng_set call, seeds the same way from a single
 * unsigned long, so gsl_rng_set(r, k) puts r in exactly the state of key k.
 */
#include "rng.h"

#include <assert.h>
#include <limits.h>
#include <stdlib.h>

typedef struct rng_xoshiro_state {
    uint64_t s[4]; /* xoshiro256** state; never all zero */
} rng_xoshiro_state;

/* SplitMix64's increment (2^64 / golden ratio, odd) and its output function (Stafford's
 * "variant 13" finalizer), a bijection of 64-bit words with full avalanche. */
#define RNG_GOLDEN_GAMMA UINT64_C(0x9e3779b97f4a7c15)

static inline uint64_t rng_mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static inline uint64_t rng_splitmix64_next(uint64_t *x)
{
    *x += RNG_GOLDEN_GAMMA;
    return rng_mix64(*x);
}

static inline uint64_t rng_rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* One step of xoshiro256** 1.0, transcribed from the reference implementation. */
static inline uint64_t rng_xoshiro_next(rng_xoshiro_state *st)
{
    uint64_t *s = st->s;
    const uint64_t result = rng_rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rng_rotl(s[3], 45);
    return result;
}

static void rng_xoshiro_seed(rng_xoshiro_state *st, uint64_t key)
{
    uint64_t x = key;
    for (int i = 0; i < 4; i++)
        st->s[i] = rng_splitmix64_next(&x);
}

/* The gsl_rng_type callbacks. */

static void rng_xoshiro_set(void *state, unsigned long int seed)
{
    rng_xoshiro_seed(state, (uint64_t)seed);
}

static unsigned long int rng_xoshiro_get(void *state)
{
#if ULONG_MAX >= UINT64_MAX
    return (unsigned long int)rng_xoshiro_next(state);
#else
    return (unsigned long int)(rng_xoshiro_next(state) >> 32);
#endif
}

static double rng_xoshiro_get_double(void *state)
{
    return (double)(rng_xoshiro_next(state) >> 11) * 0x1.0p-53;
}

static const gsl_rng_type rng_xoshiro_type = {
    .name = "xoshiro256starstar",
#if ULONG_MAX >= UINT64_MAX
    .max = ULONG_MAX,
#else
    .max = 0xffffffffUL,
#endif
    .min = 0,
    .size = sizeof(rng_xoshiro_state),
    .set = rng_xoshiro_set,
    .get = rng_xoshiro_get,
    .get_double = rng_xoshiro_get_double,
};

const gsl_rng_type *rng_xoshiro256 = &rng_xoshiro_type;

/* The key. mix64(seed + gamma) first, so seed 0 does not map to 0 (mix64 fixes 0). Then rep and
 * source, packed into one 64-bit word, are xored in and mixed twice: for a fixed seed the map
 * (rep, source) -> key is a composition of bijections, so the 2^64 streams of one seed are
 * guaranteed to have distinct keys, and every input bit flips about half the key bits. Across
 * seeds two triples share a key only by a 2^-64 accident. */
uint64_t rng_stream_key(uint64_t seed, uint32_t rep, uint32_t source)
{
    uint64_t k = rng_mix64(seed + RNG_GOLDEN_GAMMA);
    k = rng_mix64(k ^ ((uint64_t)rep << 32 | source));
    return rng_mix64(k + RNG_GOLDEN_GAMMA);
}

/* Built by hand rather than with gsl_rng_alloc because GSL reports out of memory through its
 * error handler, whose default aborts; rng.h promises NULL instead. This is the same layout
 * gsl_rng_alloc makes (a gsl_rng and a separate state block, both from malloc), so gsl_rng_free,
 * gsl_rng_clone and gsl_rng_memcpy work on it. */
gsl_rng *rng_stream_create(uint64_t seed, uint32_t rep, uint32_t source)
{
    gsl_rng *r = malloc(sizeof *r);
    if (!r) return NULL;
    r->type = rng_xoshiro256;
    r->state = malloc(rng_xoshiro_type.size);
    if (!r->state) goto err;
    rng_stream_reset(r, seed, rep, source);
    return r;
err:
    free(r);
    return NULL;
}

void rng_stream_reset(gsl_rng *r, uint64_t seed, uint32_t rep, uint32_t source)
{
    /* Going through the state directly rather than gsl_rng_set keeps all 64 key bits even where
     * unsigned long has 32. */
    assert(r->type == rng_xoshiro256);
    rng_xoshiro_seed(r->state, rng_stream_key(seed, rep, source));
}

double rng_uniform_pos(gsl_rng *r)
{
    return gsl_rng_uniform_pos(r);
}
