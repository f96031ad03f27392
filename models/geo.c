/* geo.c - the local equirectangular projection. See geo.h. */
#include "geo.h"

#include <math.h>

#define GEO_WGS84_A  6378137.0 /* semi-major axis, m */
#define GEO_WGS84_F  (1.0 / 298.257223563)
#define GEO_MEAN_R_M 6371008.8 /* mean radius, for geo_distance_m */
#define GEO_DEG      (M_PI / 180.0)

void geo_proj_init(geo_proj *p, double lon0_deg, double lat0_deg)
{
    double e2 = GEO_WGS84_F * (2.0 - GEO_WGS84_F);
    double s = sin(lat0_deg * GEO_DEG);
    double w = sqrt(1.0 - e2 * s * s);
    double n_m = GEO_WGS84_A / w;                        /* prime vertical */
    double m_m = GEO_WGS84_A * (1.0 - e2) / (w * w * w); /* meridian */
    p->lon0_deg = lon0_deg;
    p->lat0_deg = lat0_deg;
    p->m_per_deg_lon = n_m * cos(lat0_deg * GEO_DEG) * GEO_DEG;
    p->m_per_deg_lat = m_m * GEO_DEG;
}

void geo_proj_forward(const geo_proj *p, double lon_deg, double lat_deg, double *x_m, double *y_m)
{
    double dlon = lon_deg - p->lon0_deg;
    /* An extract that straddles the antimeridian stays continuous. */
    if (dlon > 180.0) dlon -= 360.0;
    if (dlon < -180.0) dlon += 360.0;
    *x_m = dlon * p->m_per_deg_lon;
    *y_m = (lat_deg - p->lat0_deg) * p->m_per_deg_lat;
}

void geo_proj_inverse(const geo_proj *p, double x_m, double y_m, double *lon_deg, double *lat_deg)
{
    double lon = p->lon0_deg + x_m / p->m_per_deg_lon;
    if (lon > 180.0) lon -= 360.0;
    if (lon < -180.0) lon += 360.0;
    *lon_deg = lon;
    *lat_deg = p->lat0_deg + y_m / p->m_per_deg_lat;
}

bool geo_lonlat_is_valid(double lon_deg, double lat_deg)
{
    return isfinite(lon_deg) && isfinite(lat_deg) && fabs(lon_deg) <= 180.0 &&
           fabs(lat_deg) <= 85.0;
}
