/* test_replay_h5.c - the /replay tables: a recorder written and read back field for field,
 * the list of recorded replications, rewriting a replication (resume), inconsistent tables
 * refused with a message, and the --replay argument. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "h5.h"
#include "replay_h5.h"
#include "replay_impl.h"

/* A recorder with "high-entropy" content: odd times, several legs per unit, a leg of one
 * point (standing), candidates of two decisions, a state number the model does not define. */
static replay *make_replay(uint32_t rep, double shift)
{
    replay *r = replay_create();
    uint32_t nodes_a[] = {4, 7, 11, 2};
    double t_a[] = {0, 13.25, 40.125, 77.5};
    uint32_t nodes_b[] = {9};
    double t_b[] = {0};
    replay_reset(r, rep);
    replay_leg(r, 1, 100.375 + shift, nodes_a, t_a, 4);
    replay_leg(r, 0, 0.0, nodes_b, t_b, 1);
    replay_leg(r, 1, 150.0 + shift, nodes_a + 1, t_a + 1, 3);
    replay_unit_state(r, 0, 0.0, 1, -1);
    replay_unit_state(r, 1, 100.375, 2, 3);
    replay_unit_state(r, 1, 230.5, 7, -1); /* a state unknown to this build: "state_7" */
    replay_call_event(r, 3, 95.0, 0, -1);
    replay_call_event(r, 3, 100.375, 2, 1);
    uint32_t units[] = {1, 0, 2};
    double travel[] = {177.5, 233.25, 412.0};
    replay_candidates(r, 3, 100.375, units, travel, 3, 1);
    replay_candidates(r, 5, 300.0, units + 1, travel + 1, 2, 2);
    return r;
}

static void check_same(const replay *a, const replay *b)
{
    CHECK_EQ(a->rep, b->rep);
    CHECK_EQ(a->n_legs, b->n_legs);
    CHECK_EQ(a->n_leg_points, b->n_leg_points);
    CHECK_EQ(a->n_states, b->n_states);
    CHECK_EQ(a->n_call_events, b->n_call_events);
    CHECK_EQ(a->n_cands, b->n_cands);
    for (size_t i = 0; i < a->n_legs && i < b->n_legs; i++) {
        CHECK_EQ(a->legs[i].unit, b->legs[i].unit);
        CHECK_EQ(a->legs[i].t0_s, b->legs[i].t0_s);
        CHECK_EQ(a->legs[i].first, b->legs[i].first);
        CHECK_EQ(a->legs[i].n, b->legs[i].n);
    }
    for (size_t i = 0; i < a->n_leg_points && i < b->n_leg_points; i++) {
        CHECK_EQ(a->leg_node[i], b->leg_node[i]);
        CHECK(a->leg_t[i] == b->leg_t[i]);
    }
    for (size_t i = 0; i < a->n_states && i < b->n_states; i++) {
        CHECK_EQ(a->states[i].unit, b->states[i].unit);
        CHECK(a->states[i].t_s == b->states[i].t_s);
        CHECK_EQ(a->states[i].state, b->states[i].state);
        CHECK_EQ(a->states[i].call, b->states[i].call);
    }
    for (size_t i = 0; i < a->n_call_events && i < b->n_call_events; i++) {
        CHECK_EQ(a->call_events[i].call, b->call_events[i].call);
        CHECK(a->call_events[i].t_s == b->call_events[i].t_s);
        CHECK_EQ(a->call_events[i].what, b->call_events[i].what);
        CHECK_EQ(a->call_events[i].unit, b->call_events[i].unit);
    }
    for (size_t i = 0; i < a->n_cands && i < b->n_cands; i++) {
        CHECK_EQ(a->cands[i].call, b->cands[i].call);
        CHECK(a->cands[i].t_s == b->cands[i].t_s);
        CHECK_EQ(a->cands[i].rank, b->cands[i].rank);
        CHECK_EQ(a->cands[i].unit, b->cands[i].unit);
        CHECK(a->cands[i].travel_s == b->cands[i].travel_s);
        CHECK_EQ(a->cands[i].sent, b->cands[i].sent);
    }
}

static void test_round_trip(const char *path)
{
    char err[512];
    h5_file *f = h5_file_create(path, err, sizeof err);
    CHECK(f != NULL);
    if (!f) return;
    replay *a = make_replay(3, 0), *b = make_replay(0, 0.5), *empty = replay_create();
    replay_reset(empty, 12);
    CHECK_EQ(replay_h5_write(f, a), 0);
    CHECK_EQ(replay_h5_write(f, b), 0);
    CHECK_EQ(replay_h5_write(f, empty), 0);
    /* A resumed run writes a replication again: the old group is replaced, not an error. */
    replay *a2 = make_replay(3, 1.0);
    CHECK_EQ(replay_h5_write(f, a2), 0);
    CHECK_EQ(h5_file_commit(f), 0);
    h5_file_close(f);

    f = h5_file_open(path, false, NULL, err, sizeof err);
    CHECK(f != NULL);
    if (!f) return;
    uint32_t *reps = NULL;
    size_t n = 0;
    CHECK_EQ(replay_h5_list(f, &reps, &n), 0);
    CHECK_EQ(n, 3);
    if (n == 3) {
        CHECK_EQ(reps[0], 0);
        CHECK_EQ(reps[1], 3);
        CHECK_EQ(reps[2], 12);
    }
    free(reps);
    replay *got = replay_create();
    CHECK_EQ(replay_h5_read(f, 3, got), 0);
    check_same(a2, got);
    CHECK(got->legs[0].t0_s == 101.375);
    CHECK_EQ(replay_h5_read(f, 0, got), 0);
    check_same(b, got);
    CHECK_EQ(replay_h5_read(f, 12, got), 0);
    check_same(empty, got);
    CHECK_EQ(replay_h5_read(f, 4, got), H5X_ENOTFOUND);
    CHECK(strstr(h5_file_error(f), "replication 4 was not recorded") != NULL);

    /* Names: the known states by name, an unknown number by number, and the event names. */
    char **names = NULL;
    size_t nn = 0;
    CHECK_EQ(h5_attr_get_strv(f, "/replay/rep_3", "state_names", &names, &nn), 0);
    CHECK_EQ(nn, 8);
    if (nn == 8) {
        CHECK_STR(names[0], "off");
        CHECK_STR(names[2], "enroute");
        CHECK_STR(names[7], "state_7");
    }
    h5_strv_free(names, nn);
    CHECK_EQ(h5_attr_get_strv(f, "/replay/rep_3", "call_event_names", &names, &nn), 0);
    CHECK_EQ(nn, 6);
    if (nn == 6) CHECK_STR(names[5], "diverted");
    h5_strv_free(names, nn);
    char **units = NULL;
    CHECK_EQ(h5_attr_get_strv(f, "/replay/rep_3/leg_points", "units", &units, &nn), 0);
    if (nn == 2) CHECK_STR(units[1], "s");
    h5_strv_free(units, nn);
    h5_file_close(f);
    replay_destroy(a);
    replay_destroy(a2);
    replay_destroy(b);
    replay_destroy(empty);
    replay_destroy(got);
}

/* A leg that points past leg_points is refused with a message, never followed. */
static void test_inconsistent(const char *path)
{
    char err[512];
    h5_file *f = h5_file_create(path, err, sizeof err);
    if (!f) {
        CHECK(f != NULL);
        return;
    }
    replay *a = make_replay(1, 0);
    a->legs[2].n = 40; /* points 1..40 of 8 */
    CHECK_EQ(replay_h5_write(f, a), 0);
    CHECK_EQ(h5_file_commit(f), 0);
    h5_file_close(f);
    f = h5_file_open(path, false, NULL, err, sizeof err);
    replay *got = replay_create();
    CHECK_EQ(replay_h5_read(f, 1, got), H5X_ETYPE);
    CHECK(strstr(h5_file_error(f), "/replay/rep_1/legs: row 2") != NULL);
    CHECK_EQ(got->n_legs, 0);
    h5_file_close(f);
    replay_destroy(a);
    replay_destroy(got);
}

static void test_parse(void)
{
    uint32_t *v = NULL;
    size_t n = 99;
    char err[256];
    CHECK_EQ(replay_reps_parse("none", &v, &n, err, sizeof err), 0);
    CHECK_EQ(n, 0);
    free(v);
    CHECK_EQ(replay_reps_parse("7,0,3,3", &v, &n, err, sizeof err), 0);
    CHECK_EQ(n, 3);
    if (n == 3) {
        CHECK_EQ(v[0], 0);
        CHECK_EQ(v[1], 3);
        CHECK_EQ(v[2], 7);
    }
    free(v);
    CHECK_EQ(replay_reps_parse("2-5,4", &v, &n, err, sizeof err), 0);
    CHECK_EQ(n, 4);
    if (n == 4) CHECK_EQ(v[3], 5);
    free(v);
    const char *bad[] = {"", "a", "1,", "5-2", "-3", "1,,2", "4294967296", "0-200000"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        CHECK_EQ(replay_reps_parse(bad[i], &v, &n, err, sizeof err), -1);
        CHECK(strstr(err, "--replay") != NULL);
    }
    CHECK_EQ(replay_reps_parse("1,x2", &v, &n, err, sizeof err), -1);
    CHECK(strstr(err, "'x2'") != NULL);
}

int main(void)
{
    char path[256];
    snprintf(path, sizeof path, "/tmp/test_replay_h5_%ld.h5", (long)getpid());
    test_round_trip(path);
    test_inconsistent(path);
    remove(path);
    test_parse();
    return CHECK_DONE();
}
