package app.avalo.infra.cdn;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/** What a user's file is meant to be; decides which containers are accepted for it. */
// containers is an EnumSet no code outside the constructor can reach, read only.
@SuppressWarnings("ImmutableEnumChecker")
enum MediaKind {
  VIDEO("video", EnumSet.of(MediaContainer.MOV, MediaContainer.MATROSKA)),
  AUDIO("audio", EnumSet.allOf(MediaContainer.class));

  private final String noun;
  private final Set<MediaContainer> containers;

  MediaKind(String noun, Set<MediaContainer> containers) {
    this.noun = noun;
    this.containers = containers;
  }

  String noun() {
    return noun;
  }

  boolean accepts(MediaContainer container) {
    return containers.contains(container);
  }

  /** ffmpeg's {@code -format_whitelist} for this kind: every accepted demuxer by its full name. */
  String formatWhitelist() {
    return containers.stream().map(MediaContainer::formatName).collect(Collectors.joining(","));
  }

  /** For messages: "MP4/MOV, Matroska/WebM". */
  String described() {
    return containers.stream().map(MediaContainer::label).collect(Collectors.joining(", "));
  }
}
