/* rng.h - independent random-number streams keyed by (seed, replication, source).
 *
 * Every stochastic source of a model (call arrivals, call locations, call
 * types, on-scene times, ...) gets its own stream in each replication. A
 * stream's state is a pure function of (seed, rep, source), so
 *   - the same seed gives the same numbers whatever thread or MPI rank runs the
 *     replication and in whatever order replications run;
 *   - two scenarios that share a call model draw the same calls (common random
 *     numbers), because deployment decisions never consume call streams.
 *
 * Streams are gsl_rng objects, so every GSL distribution (gsl_ran_*, gsl_cdf_*)
 * works on them. The generator is xoshiro256** plugged into GSL as a custom
 * gsl_rng_type: GSL's own generators take a 32-bit seed (mt19937 keeps only the
 * low 32 bits), which would make distinct (seed, rep, source) triples collide.
 * The 256-bit state is filled by SplitMix64 from a 64-bit key that mixes the
 * triple, the seeding Vigna recommends for xoshiro.
 *
 * Free streams with gsl_rng_free. Not thread-safe individually: a stream
 * belongs to one replication.
 */
#ifndef PATROLSIM_RNG_H
#define PATROLSIM_RNG_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

/* The GSL generator type behind every stream (xoshiro256**, 64-bit output
 * truncated to GSL's unsigned long range [0, 2^64-1] on LP64). */
extern const gsl_rng_type *rng_xoshiro256;

/* A new stream in the state defined by (seed, rep, source). NULL when out of
 * memory. Free it with gsl_rng_free. */
gsl_rng *rng_stream_create(uint64_t seed, uint32_t rep, uint32_t source);

/* Put an existing stream (made by rng_stream_create) back into the state
 * defined by (seed, rep, source); cheaper than freeing and creating. */
void rng_stream_reset(gsl_rng *r, uint64_t seed, uint32_t rep, uint32_t source);

/* The 64-bit key of a triple; exposed for tests and for recording in results. */
uint64_t rng_stream_key(uint64_t seed, uint32_t rep, uint32_t source);

/* A uniform double in the open interval (0, 1): safe for inverse CDFs. */
double rng_uniform_pos(gsl_rng *r);

#endif
