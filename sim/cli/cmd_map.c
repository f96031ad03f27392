/* cmd_map.c - `patrolsim map import|speeds`: networks from OpenStreetMap.
 *
 *   patrolsim map import FILE.osm|FILE.osm.pbf -o NETWORK.txt [options]
 *   patrolsim map speeds
 *
 * import reads the extract (osm.h), prints what it kept, dropped and
 * contracted, writes the network file (and a places file, zones), and then
 * reads the written file back with net_load, so that a map it makes is one the
 * simulator takes. speeds prints the default speed table in the format that
 * --speeds reads, as a starting point for one's own.
 *
 * Exit status: 0 written, 2 bad usage or bad input (every problem reported,
 * compiler-style), 1 a failure while running (memory, a write).
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "diag.h"
#include "geojson.h"
#include "net.h"
#include "osm.h"

static void map_usage(FILE *out)
{
    fprintf(out,
            "usage: patrolsim map import FILE.osm|FILE.osm.pbf -o NETWORK.txt [options]\n"
            "       patrolsim map speeds\n"
            "\n"
            "import: makes a network file from an OpenStreetMap extract (XML or PBF): the\n"
            "drivable and walkable ways by highway class, one-way streets for vehicles, lon/lat\n"
            "projected to metres around the extract's centre, the largest part that vehicles\n"
            "and walkers can both reach and leave (vehicle-only and foot-only roads are\n"
            "contracted into shortcuts that keep fastest times exact), nodes that only shape\n"
            "a way merged. See scenarios/README.md, \"Importing OpenStreetMap\".\n"
            "\n"
            "  -o FILE               the network file to write (directories are made)\n"
            "  --places-out FILE     also write the named places (police stations, railway\n"
            "                        stations, squares), each at its nearest node\n"
            "  --max-place-m M       leave out places farther than M m from the map (300)\n"
            "  --zones FILE.geojson  give each node the 'name' of the polygon that holds it\n"
            "  --outside-zone NAME   the zone of nodes in no polygon (\"outside\")\n"
            "  --speeds FILE         speed table: lines '<class> <vehicle_mps> <foot_mps>'\n"
            "  --speed C=V,F         the speeds of class C in m/s (0: that mode cannot use it;\n"
            "                        0,0: not imported); a new C imports that highway value\n"
            "  --origin LON,LAT      the projection's origin (default: the extract's centre)\n"
            "  --no-simplify         keep every node of every way\n"
            "  -q, --quiet           print nothing but errors\n"
            "\n"
            "speeds: prints the default speed table in the --speeds format.\n");
}

/* mkdir -p of the directory part of path. */
static int map_mkdirs(const char *path)
{
    char *dir = strdup(path);
    if (!dir) return -1;
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir) {
        free(dir);
        return 0;
    }
    *slash = '\0';
    for (char *p = dir + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;
            *p = '\0';
            if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
                free(dir);
                return -1;
            }
            *p = c;
            if (c == '\0') break;
        }
    }
    free(dir);
    return 0;
}

static int map_speeds(void)
{
    printf("# patrolsim map speeds: the default speed table of 'patrolsim map import'.\n"
           "# <class> <vehicle_mps> <foot_mps>; a class is an OSM highway value. 0: that mode\n"
           "# cannot use it; 0 0: not imported. Edit and pass with --speeds FILE.\n");
    for (size_t i = 0; i < osm_n_class_defaults; i++)
        printf("%-16s %5.1f %4.1f   # %3.0f km/h\n", osm_class_defaults[i].name,
               osm_class_defaults[i].speed_mps[0], osm_class_defaults[i].speed_mps[1],
               osm_class_defaults[i].speed_mps[0] * 3.6);
    return fflush(stdout) == 0 ? 0 : 1;
}

static int map_import(int argc, char **argv)
{
    const char *in = NULL, *out = NULL, *places_out = NULL, *zones = NULL;
    const char *outside = "outside";
    double max_place_m = 300;
    bool quiet = false;
    int rc = 2;
    diag *d = diag_create();
    osm_opts o;
    bool opts_ok = d && osm_opts_init(&o) == 0;
    if (!opts_ok) {
        fprintf(stderr, "patrolsim map import: out of memory\n");
        diag_destroy(d);
        return 1;
    }
    osm_map *m = NULL;
    geojson_zones *z = NULL;
    net *check = NULL;
    /* Speed options apply in order: a --speeds file, then each --speed. */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has_val = i + 1 < argc;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            map_usage(stdout);
            rc = 0;
            goto done;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            quiet = true;
        } else if (strcmp(a, "--no-simplify") == 0) {
            o.simplify = false;
        } else if ((strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) && has_val) {
            out = argv[++i];
        } else if (strcmp(a, "--places-out") == 0 && has_val) {
            places_out = argv[++i];
        } else if (strcmp(a, "--zones") == 0 && has_val) {
            zones = argv[++i];
        } else if (strcmp(a, "--outside-zone") == 0 && has_val) {
            outside = argv[++i];
            if (!*outside) {
                fprintf(stderr, "patrolsim map import: --outside-zone: the name is empty\n");
                goto done;
            }
        } else if (strcmp(a, "--speeds") == 0 && has_val) {
            int r = osm_opts_speeds_load(&o, argv[++i], d);
            if (r == -2) {
                rc = 1;
                goto done;
            }
        } else if (strcmp(a, "--speed") == 0 && has_val) {
            int r = osm_opts_speed_parse(&o, argv[++i], "<command line>", 0, d);
            if (r == -2) {
                rc = 1;
                goto done;
            }
        } else if (strcmp(a, "--max-place-m") == 0 && has_val) {
            char *end;
            max_place_m = strtod(argv[++i], &end);
            if (*end || !(max_place_m >= 0) || !isfinite(max_place_m))
                diag_error(d, "<command line>", 0, "--max-place-m",
                           "expected a distance >= 0 in metres (got '%s')", argv[i]);
        } else if (strcmp(a, "--origin") == 0 && has_val) {
            double lon, lat;
            char tail;
            if (sscanf(argv[++i], "%lf,%lf%c", &lon, &lat, &tail) != 2 ||
                !geo_lonlat_is_valid(lon, lat))
                diag_error(d, "<command line>", 0, "--origin",
                           "expected LON,LAT in degrees (got '%s')", argv[i]);
            o.origin_lon_deg = lon;
            o.origin_lat_deg = lat;
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "patrolsim map import: unknown option '%s'%s\n", a,
                    has_val ? "" : " (or it lacks its value)");
            map_usage(stderr);
            goto done;
        } else if (in) {
            fprintf(stderr, "patrolsim map import: one OSM file at a time (got '%s' and '%s')\n",
                    in, a);
            goto done;
        } else {
            in = a;
        }
    }
    if (!in || !out) {
        fprintf(stderr, "patrolsim map import: %s\n",
                !in ? "no OpenStreetMap file given" : "no output given (-o NETWORK.txt)");
        map_usage(stderr);
        goto done;
    }
    if (diag_count(d) > 0) goto done;

    m = osm_import(in, &o, d);
    if (!m) goto done;
    if (zones) {
        z = geojson_zones_load(zones, &m->proj, d);
        if (!z) goto done;
        size_t n_outside;
        if (osm_map_zones_assign(m, z, outside, &n_outside) < 0) {
            diag_error(d, zones, 0, NULL, "out of memory assigning zones");
            rc = 1;
            goto done;
        }
        if (!quiet) {
            printf("zones from %s: %zu features, %zu names; %zu node%s in no polygon: zone "
                   "'%s'\n",
                   zones, z->n_features, z->n_names, n_outside, n_outside == 1 ? "" : "s", outside);
            /* Nodes per zone as written (names cleaned of blanks), in the zones' order. */
            size_t *count = calloc(m->n_zones ? m->n_zones : 1, sizeof *count);
            for (size_t v = 0; count && v < m->n_nodes; v++)
                if (m->nodes[v].zone >= 0) count[m->nodes[v].zone]++;
            bool aligned = m->n_zones == z->n_names + 1; /* no two names cleaned alike */
            for (size_t k = 0; count && k < m->n_zones; k++) {
                if (count[k] == 0 && strcmp(m->zone_names[k], outside) == 0) continue;
                printf("  zone %-24s %6zu nodes", m->zone_names[k], count[k]);
                if (aligned && k < z->n_names && strcmp(m->zone_names[k], z->names[k]) != 0)
                    printf("   (named '%s' in the zones file)", z->names[k]);
                printf("%s\n", count[k] == 0 ? "   NO NODE OF THE MAP: is it on this map?" : "");
            }
            free(count);
        }
    }
    if (!quiet) osm_map_report(m, stdout);
    if (map_mkdirs(out) < 0) {
        diag_error(d, out, 0, NULL, "cannot make its directory: %s", strerror(errno));
        rc = 1;
        goto done;
    }
    if (osm_map_write(m, out, d) < 0) {
        rc = 1;
        goto done;
    }
    if (places_out) {
        long placed = osm_map_places_snap(m, max_place_m);
        if (placed < 0 || map_mkdirs(places_out) < 0 || osm_map_places_write(m, places_out, d)) {
            if (placed < 0) diag_error(d, places_out, 0, NULL, "out of memory");
            rc = 1;
            goto done;
        }
        if (!quiet) {
            printf("places: wrote %ld of %zu to %s", placed, m->n_places, places_out);
            size_t far = m->n_places - (size_t)placed;
            if (far) printf(" (%zu more than %g m from the map left out)", far, max_place_m);
            printf("\n");
        }
    }
    /* The proof that the simulator takes it. A failure here is a bug of the import. */
    check = net_load(out, d);
    if (!check) {
        diag_error(d, out, 0, NULL,
                   "the written network does not load: this is a bug of "
                   "patrolsim map import");
        rc = 1;
        goto done;
    }
    if (!quiet)
        printf("wrote %s: %zu nodes, %zu directed edges; net_load reads it, strongly connected "
               "for vehicles and on foot\n",
               out, check->n_nodes, check->n_edges);
    rc = 0;
done:
    diag_print(d, stderr);
    net_destroy(check);
    geojson_zones_destroy(z);
    osm_map_destroy(m);
    osm_opts_fini(&o);
    diag_destroy(d);
    return rc;
}

int cmd_map(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        map_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "import") == 0) return map_import(argc - 1, argv + 1);
    if (strcmp(argv[1], "speeds") == 0) return map_speeds();
    fprintf(stderr, "patrolsim map: unknown subcommand '%s' (import or speeds)\n", argv[1]);
    map_usage(stderr);
    return 2;
}
