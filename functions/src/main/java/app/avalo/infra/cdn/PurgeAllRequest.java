package app.avalo.infra.cdn;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Fields;

/**
 * purgeAllCache's input: the {@code confirm} phrase, which must be exactly {@value #CONFIRMATION},
 * and the {@code reason} recorded with the purge. The phrase is checked by {@link
 * #requireConfirmed} after {@code done()}, so an unknown field is reported first.
 */
record PurgeAllRequest(String confirm, String reason) {
  static final String CONFIRMATION = "purge-all-cache";

  static PurgeAllRequest read(Fields data) {
    return new PurgeAllRequest(data.string("confirm", 50), data.string("reason", 500));
  }

  void requireConfirmed() {
    if (!confirm.equals(CONFIRMATION)) {
      throw ApiException.invalidArgument(
          "confirm", "must be exactly \"" + CONFIRMATION + "\" to purge everything");
    }
  }
}
