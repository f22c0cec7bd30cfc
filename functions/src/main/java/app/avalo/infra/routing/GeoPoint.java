package app.avalo.infra.routing;

/** A point on the earth in degrees. */
public record GeoPoint(double lat, double lng) {
  private static final double EARTH_RADIUS_KM = 6371.0088;

  /**
   * Great-circle distance by the haversine formula (accurate to ~0.5 %, plenty for picking a
   * region).
   */
  public double distanceKm(GeoPoint other) {
    double phi1 = Math.toRadians(lat);
    double phi2 = Math.toRadians(other.lat);
    double dPhi = phi2 - phi1;
    double dLambda = Math.toRadians(other.lng - lng);
    double h =
        Math.sin(dPhi / 2) * Math.sin(dPhi / 2)
            + Math.cos(phi1) * Math.cos(phi2) * Math.sin(dLambda / 2) * Math.sin(dLambda / 2);
    return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
  }
}
