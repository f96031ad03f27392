/* geojson.h - named zone polygons from a GeoJSON file, for zones of imported maps.
 *
 * Reads an RFC 7946 GeoJSON file: a FeatureCollection (or a single Feature)
 * whose features have a Polygon or MultiPolygon geometry and a string property
 * `name` (or another property the caller names). Coordinates are WGS84 [lon, lat] (a third value, altitude, is
 * ignored); they are projected with the map's projection (geo.h) when loaded.
 * Several features may share a name: together they are one zone.
 *
 * A point is in a feature when a ray from it crosses the feature's rings an odd
 * number of times (holes and the parts of a MultiPolygon need no special case);
 * in a zone when it is in one of its features. Where features overlap, the
 * first in the file wins.
 *
 * The JSON reader is a small one of our own (strings with escapes, numbers,
 * nesting up to 64 levels): Debian has json-c and jansson, but neither reports
 * the line of an error, and a zone file is too small to need their speed. Every
 * problem is reported as "file:line: features.[3].geometry.type: what" into the
 * diag; geojson_zones_load then returns NULL.
 */
#ifndef PATROLSIM_GEOJSON_H
#define PATROLSIM_GEOJSON_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "geo.h"

typedef struct geojson_feature {
    int32_t zone; /* index into geojson_zones.names */
    size_t n_rings;
    size_t *ring_start; /* [n_rings + 1] into x_m, y_m */
    double *x_m, *y_m;  /* ring vertices, projected */
    double min_x_m, min_y_m, max_x_m, max_y_m;
} geojson_feature;

typedef struct geojson_zones {
    char **names; /* [n_names], in order of first appearance */
    size_t n_names;
    geojson_feature *features; /* [n_features], in file order */
    size_t n_features;
} geojson_zones;

/* Reads path and projects it with p. NULL on any error (all of them in d). */
geojson_zones *geojson_zones_load(const char *path, const geo_proj *p, diag *d);
/* The same, with the zone's name in the string property `prop` instead of
 * `name` (a scenario's network.zones_property, cells_property). */
geojson_zones *geojson_zones_load_prop(const char *path, const geo_proj *p, const char *prop,
                                       diag *d);
void geojson_zones_destroy(geojson_zones *z); /* NULL is a no-op */

/* The zone containing (x, y), or -1. O(features + vertices of the candidates). */
int32_t geojson_zones_find(const geojson_zones *z, double x_m, double y_m);

#endif
