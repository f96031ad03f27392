/* test_scen_inputs.c - the files a scenario reads: regular files only, each within its size
 * limit (rfile.c), and every one of them hashed into the scenario's inputs, @include'd files
 * included (libconfig 1.5 reads those itself, so the loader finds them first).
 *
 * FIFOs cannot live in the repository, so the cases with one are here rather than in
 * tests/data/bad: a FIFO as the scenario, as the network, places and @include'd file, and as
 * the input of the other readers (call history, GeoJSON zones, OSM extract, speeds file). Each
 * must be refused at once (an alarm turns a hang into a failure with a message).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "geojson.h"
#include "history.h"
#include "osm.h"
#include "rfile.h"
#include "scenario.h"

#define SMALL_CFG PSIM_TEST_DATA "/scen/small.cfg"

static char dir[256];

static void on_alarm(int sig)
{
    (void)sig;
    static const char msg[] = "test_scen_inputs: no answer within 20 s (a hang)\n";
    ssize_t w = write(2, msg, sizeof msg - 1);
    (void)w;
    _exit(1);
}

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 14695981039346656037ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static char *path_in(const char *name)
{
    static char buf[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static void put(const char *name, const char *text)
{
    FILE *f = fopen(path_in(name), "w");
    CHECK(f != NULL);
    if (!f) return;
    fputs(text, f);
    fclose(f);
}

static char *read_text(const char *path)
{
    size_t len;
    char why[160];
    return rfile_read_all(path, 1 << 20, &len, why, sizeof why);
}

/* Replaces every "from" in text with "to"; free() the result. */
static char *replace_all(const char *text, const char *from, const char *to)
{
    size_t n = 0, lf = strlen(from), lt = strlen(to);
    for (const char *p = strstr(text, from); p; p = strstr(p + lf, from))
        n++;
    char *out = malloc(strlen(text) + n * lt + 1), *o = out;
    for (const char *p = text, *q; (q = strstr(p, from)); p = q + lf) {
        memcpy(o, p, (size_t)(q - p));
        o += q - p;
        memcpy(o, to, lt);
        o += lt;
        text = q + lf;
    }
    strcpy(o, text);
    return out;
}

/* scen_load fails with a message that holds want. */
static void expect_load_fails(const char *path, const char *set, const char *want)
{
    diag *d = diag_create();
    const char *ov[1] = {set};
    alarm(20);
    scenario *s = scen_load(path, ov, set ? 1 : 0, d);
    alarm(0);
    CHECK(s == NULL);
    bool found = false;
    for (size_t i = 0; i < diag_count(d); i++)
        found |= strstr(diag_message(d, i), want) != NULL;
    if (!found) {
        fprintf(stderr, "%s: expected a message with '%s', got:\n", path, want);
        diag_print(d, stderr);
        check_failures++;
    }
    scen_destroy(s);
    diag_destroy(d);
}

static void test_rfile(void)
{
    char why[160];
    size_t len = 99;
    put("five.txt", "12345");
    char *t = rfile_read_all(path_in("five.txt"), 5, &len, why, sizeof why);
    CHECK(t != NULL);
    if (t) CHECK_STR(t, "12345");
    CHECK_EQ(len, 5);
    free(t);

    /* One byte over the limit, found from the size and, for a file that claims none, while
     * reading. */
    CHECK(rfile_read_all(path_in("five.txt"), 4, &len, why, sizeof why) == NULL);
    CHECK_STR(why, "it is 5 bytes, larger than the 4 bytes limit for this file");
    alarm(20);
    CHECK(rfile_read_all("/dev/zero", 1 << 20, &len, why, sizeof why) == NULL);
    alarm(0);
    CHECK_STR(why, "not a regular file (a pipe, socket or device)");
    CHECK(rfile_read_all(dir, 1 << 20, &len, why, sizeof why) == NULL);
    CHECK_STR(why, "it is a directory");
    CHECK(rfile_read_all(path_in("nope"), 1 << 20, &len, why, sizeof why) == NULL);
    CHECK_STR(why, "No such file or directory");
    alarm(20);
    CHECK(rfile_open(path_in("pipe"), "r", why, sizeof why) == NULL);
    alarm(0);
    CHECK_STR(why, "not a regular file (a pipe, socket or device)");

    char size[32];
    rfile_size_text(size, sizeof size, (size_t)16 << 20);
    CHECK_STR(size, "16 MiB");
    rfile_size_text(size, sizeof size, (size_t)3 << 29);
    CHECK_STR(size, "1.5 GiB");
}

/* small.cfg split in three: main.cfg includes part.cfg, which includes name.cfg; includes in
 * comments and strings are not followed. Every file is an input, with its hash. */
static void test_includes_hashed(void)
{
    char *small = read_text(SMALL_CFG);
    CHECK(small != NULL);
    if (!small) return;
    char *part = replace_all(small, "\"../net/", "\"" PSIM_TEST_DATA "/net/");
    char *part2 = replace_all(part, "name = \"small\";", "@include \"name.cfg\"");
    put("part.cfg", part2);
    put("name.cfg", "name = \"included\";\n");
    const char *main_text = "# main.cfg\n"
                            "/* @include \"commented.cfg\"\n"
                            "@include \"commented.cfg\" */\n"
                            "# @include \"commented.cfg\"\n"
                            "@include \"part.cfg\"\n";
    put("main.cfg", main_text);
    put("commented.cfg", "this is not libconfig");

    diag *d = diag_create();
    scenario *s = scen_load(path_in("main.cfg"), NULL, 0, d);
    diag_print(d, stderr);
    CHECK(s != NULL);
    if (s) {
        CHECK_STR(s->name, "included");
        CHECK_EQ(s->n_inputs, 5);
        if (s->n_inputs == 5) {
            CHECK_STR(s->input_paths[0], path_in("main.cfg"));
            CHECK(s->input_hashes[0] == fnv1a(main_text));
            CHECK_STR(s->input_paths[1], path_in("part.cfg"));
            CHECK(s->input_hashes[1] == fnv1a(part2));
            CHECK_STR(s->input_paths[2], path_in("name.cfg"));
            CHECK(s->input_hashes[2] == fnv1a("name = \"included\";\n"));
            CHECK(strstr(s->input_paths[3], "small.txt") != NULL);
            CHECK(strstr(s->input_paths[4], "small-places.txt") != NULL);
        }
    }
    scen_destroy(s);
    diag_destroy(d);

    /* An edit in the innermost file changes its hash, and so what resume compares. */
    put("name.cfg", "name = \"included2\";\n");
    d = diag_create();
    s = scen_load(path_in("main.cfg"), NULL, 0, d);
    CHECK(s != NULL);
    if (s && s->n_inputs == 5) CHECK(s->input_hashes[2] == fnv1a("name = \"included2\";\n"));
    scen_destroy(s);
    diag_destroy(d);
    free(part2);
    free(part);
    free(small);
}

static void test_special_files(void)
{
    char want[600];
    /* A FIFO as the scenario itself, as an @include'd file and as the network. */
    expect_load_fails(path_in("pipe"), NULL,
                      "cannot open the scenario file: not a regular file (a pipe, socket or "
                      "device)");
    put("inc_pipe.cfg", "name = \"x\";\n  @include \"pipe\"\n");
    snprintf(want, sizeof want,
             "inc_pipe.cfg:2: @include \"pipe\": cannot open '%s': not a regular file",
             path_in("pipe"));
    expect_load_fails(path_in("inc_pipe.cfg"), NULL, want);
    put("inc_zero.cfg", "@include \"../../../../../../../../../../dev/zero\"\n");
    expect_load_fails(path_in("inc_zero.cfg"), NULL, "dev/zero': not a regular file");
    snprintf(want, sizeof want, "network.file: cannot open '%s': not a regular file",
             path_in("pipe"));
    char set[512];
    snprintf(set, sizeof set, "network.file=%s", path_in("pipe"));
    expect_load_fails(SMALL_CFG, set, want);
    snprintf(set, sizeof set, "network.places=%s", path_in("pipe"));
    expect_load_fails(SMALL_CFG, set, "network.places: cannot open");

    /* Past the limits (sparse files: refused from their size, before a byte is read). */
    FILE *f = fopen(path_in("big.cfg"), "w");
    if (f) fclose(f);
    CHECK_EQ(truncate(path_in("big.cfg"), (off_t)SCEN_MAX_FILE_BYTES + 1), 0);
    expect_load_fails(path_in("big.cfg"), NULL,
                      "cannot open the scenario file: it is 16.0 MiB (16777217 bytes), larger "
                      "than the 16 MiB limit for this file");
    snprintf(set, sizeof set, "network.file=%s", path_in("big.cfg"));
    CHECK_EQ(truncate(path_in("big.cfg"), (off_t)SCEN_MAX_NET_BYTES + 1), 0);
    expect_load_fails(SMALL_CFG, set, "larger than the 1 GiB limit for this file");
}

/* d holds a message that holds want. */
static void expect_message(diag *d, const char *what, const char *want)
{
    bool found = false;
    for (size_t i = 0; i < diag_count(d); i++)
        found |= strstr(diag_message(d, i), want) != NULL;
    if (!found) {
        fprintf(stderr, "%s: expected a message with '%s', got:\n", what, want);
        diag_print(d, stderr);
        check_failures++;
    }
}

/* The readers outside the scenario loader, each given the FIFO. */
static void test_other_readers(void)
{
    const char *pipe = path_in("pipe");
    const char *want = "not a regular file (a pipe, socket or device)";
    diag *d = diag_create();
    history_opts ho;
    history_opts_init(&ho);
    alarm(20);
    history *h = history_load(pipe, NULL, &ho, d);
    alarm(0);
    CHECK(h == NULL);
    expect_message(d, "history_load", want);
    history_destroy(h);
    diag_destroy(d);

    d = diag_create();
    geo_proj proj;
    geo_proj_init(&proj, 104.78, 29.35);
    alarm(20);
    geojson_zones *z = geojson_zones_load(pipe, &proj, d);
    alarm(0);
    CHECK(z == NULL);
    expect_message(d, "geojson_zones_load", want);
    geojson_zones_destroy(z);
    diag_destroy(d);

    d = diag_create();
    osm_opts o;
    CHECK_EQ(osm_opts_init(&o), 0);
    alarm(20);
    osm_map *m = osm_import(pipe, &o, d);
    CHECK(osm_opts_speeds_load(&o, pipe, d) != 0);
    alarm(0);
    CHECK(m == NULL);
    expect_message(d, "osm_import", "OSM: cannot open the file: not a regular file");
    expect_message(d, "osm_opts_speeds_load", "cannot open the speeds file: not a regular file");
    osm_map_destroy(m);
    osm_opts_fini(&o);
    diag_destroy(d);
}

int main(void)
{
    signal(SIGALRM, on_alarm);
    const char *t = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/test_scen_inputs.XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(dir)) {
        perror(dir);
        return 1;
    }
    CHECK(mkfifo(path_in("pipe"), 0600) == 0);
    test_rfile();
    test_includes_hashed();
    test_special_files();
    test_other_readers();
    const char *files[] = {"pipe", "five.txt", "part.cfg", "name.cfg", "main.cfg",
                           "commented.cfg", "inc_pipe.cfg", "inc_zero.cfg", "big.cfg"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++)
        unlink(path_in(files[i]));
    rmdir(dir);
    return CHECK_DONE();
}
