package dev.trainforge.config;

import static java.util.Objects.requireNonNull;

import java.time.ZoneId;
import java.util.Optional;

/**
 * How text timestamps of a source are read: a java.time pattern and the zone of times that carry no
 * offset. Timestamp and date columns ignore it (they are instants, read in UTC).
 */
public record TimeParsing(Optional<String> pattern, ZoneId zone) {
  public static final TimeParsing UTC = new TimeParsing(Optional.empty(), ZoneId.of("UTC"));

  public TimeParsing {
    requireNonNull(pattern, "pattern is null");
    requireNonNull(zone, "zone is null");
  }
}
