/* geo.h - lon/lat to planar metres and back: the local projection of imported maps.
 *
 * Networks are planar (x east, y north, metres). A map imported from
 * OpenStreetMap, and anything else given in WGS84 longitude and latitude (call
 * histories, GeoJSON zones), is projected with one local equirectangular
 * projection around an origin, the map's centre, which the network file
 * records (`origin <lon_deg> <lat_deg>`, see scenarios/README.md):
 *
 *     x_m = N(lat0) cos(lat0) (lon - lon0)     N: prime-vertical radius of WGS84 at lat0
 *     y_m = M(lat0) (lat - lat0)               M: meridional radius of WGS84 at lat0
 *
 * (angles in radians). With the ellipsoid's own radii at the origin, distances
 * near the origin are exact to first order; the error grows with the distance
 * from the origin's parallel, as tan(lat0) times the north-south offset in
 * radians: under 0.1% within 10 km of the origin at 30 degrees of latitude
 * (Zigong, 29.3 N), 0.14% at 40 (Beijing), 0.3% at 60. That is far below
 * what matters for travel times, and the projection is trivially invertible.
 * For extracts of more than about 50 km, split the map.
 *
 * Coordinates from Chinese web maps (GCJ-02, BD-09) are shifted by a few hundred
 * metres from WGS84 and must be converted before they are given here.
 */
#ifndef PATROLSIM_GEO_H
#define PATROLSIM_GEO_H

#include <stdbool.h>

typedef struct geo_proj {
    double lon0_deg, lat0_deg; /* the origin, x = y = 0 */
    double m_per_deg_lon;      /* metres per degree of longitude at lat0 */
    double m_per_deg_lat;      /* metres per degree of latitude at lat0 */
} geo_proj;

/* Sets up the projection around (lon0, lat0), degrees. The caller checks the
 * range first (geo_lonlat_is_valid). */
void geo_proj_init(geo_proj *p, double lon0_deg, double lat0_deg);

/* Degrees to metres and back. */
void geo_proj_forward(const geo_proj *p, double lon_deg, double lat_deg, double *x_m, double *y_m);
void geo_proj_inverse(const geo_proj *p, double x_m, double y_m, double *lon_deg, double *lat_deg);

/* True when lon is in [-180, 180] and lat in [-85, 85] (both finite): the
 * projection is meaningless near the poles, and no police district is there. */
bool geo_lonlat_is_valid(double lon_deg, double lat_deg);

#endif
