package dev.trainforge.version;

import static java.util.Objects.requireNonNull;

/**
 * A published version's content checked against the checksum recorded when it was published.
 *
 * @param table the Iceberg table
 * @param tag the version's tag
 * @param snapshotId the snapshot the tag points at now
 * @param recorded the checksum recorded at publish time ("" when none was)
 * @param actual the checksum of the tag's rows now
 */
public record Verification(
    String table, String tag, long snapshotId, String recorded, String actual) {
  public Verification {
    requireNonNull(table, "table is null");
    requireNonNull(tag, "tag is null");
    requireNonNull(recorded, "recorded is null");
    requireNonNull(actual, "actual is null");
  }

  public boolean matches() {
    return recorded.equals(actual);
  }

  /** One line: match or mismatch, with both checksums. */
  public String summary() {
    if (matches()) {
      return String.format(
          "Verified %s %s (snapshot %d): content matches the recorded checksum %s%n",
          table, tag, snapshotId, actual);
    }
    return String.format(
        "MISMATCH %s %s (snapshot %d): content checksum %s, recorded %s (the tag's rows are not"
            + " the rows published as %s)%n",
        table, tag, snapshotId, actual, recorded.isEmpty() ? "none" : recorded, tag);
  }
}
