package dev.trainforge.config;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * The keys every block that names data shares, the labels and each feature source alike: where the
 * data is ({@code format}, {@code path}, {@code table}) and how its text times are read ({@code
 * time-format}, {@code time-zone}).
 */
final class SourceBlockReader {
  private SourceBlockReader() {}

  /**
   * {@code prefix.format}, with {@code prefix.path} (parquet, delta) or {@code .table} (iceberg).
   */
  static SourceLocation location(ConfigReader r, String prefix) {
    SourceFormat format = r.enumValue(prefix + ".format", SourceFormat.class);
    Optional<String> path = r.optionalString(prefix + ".path");
    Optional<String> table = r.optionalString(prefix + ".table");
    if (format == SourceFormat.ICEBERG) {
      if (path.isPresent()) {
        r.problem(
            prefix + ".path",
            Problem.key(prefix + ".path") + " is set but format is iceberg",
            "set " + prefix + ".table to the table name instead");
      }
      if (table.isEmpty()) {
        r.problem(
            prefix + ".format",
            "missing required " + Problem.key(prefix + ".table"),
            "an iceberg source is read by table name, e.g. catalog.db.table");
      }
      return new SourceLocation(format, table.orElse("?"));
    }
    if (table.isPresent()) {
      r.problem(
          prefix + ".table",
          Problem.key(prefix + ".table") + " is set but format is " + format.configName(),
          "set " + prefix + ".path to its directory instead, or format = iceberg");
    }
    if (path.isEmpty()) {
      r.problem(
          prefix,
          "missing required " + Problem.key(prefix + ".path"),
          "the directory of the " + format.configName() + " data");
    }
    return new SourceLocation(format, path.orElse("?"));
  }

  /** {@code prefix.time-format} (a java.time pattern, or null) and {@code prefix.time-zone}. */
  static TimeParsing timeParsing(ConfigReader r, String prefix) {
    String formatKey = prefix + ".time-format";
    String zoneKey = prefix + ".time-zone";
    Optional<String> pattern = r.optionalString(formatKey);
    String zoneName = r.string(zoneKey);
    ZoneId zone = TimeParsing.UTC.zone(); // only if the zone is bad: then the load fails anyway
    try {
      zone = ZoneId.of(zoneName);
    } catch (DateTimeException e) {
      r.problem(
          zoneKey,
          Problem.key(zoneKey) + " has value '" + zoneName + "' which is not a time zone",
          "write e.g. UTC or Europe/Berlin");
    }
    pattern.ifPresent(
        pat -> {
          try {
            DateTimeFormatter.ofPattern(pat);
          } catch (IllegalArgumentException e) {
            r.problemAt(
                formatKey,
                Problem.key(formatKey)
                    + " has value '"
                    + pat
                    + "' which is not a date-time pattern: "
                    + e.getMessage());
          }
        });
    return new TimeParsing(pattern, zone);
  }
}
