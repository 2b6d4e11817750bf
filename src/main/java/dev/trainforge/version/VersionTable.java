package dev.trainforge.version;

import static java.util.Objects.requireNonNull;

import dev.trainforge.report.Profile;
import dev.trainforge.report.ReportStore;
import dev.trainforge.report.ValidationReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.util.SnapshotUtil;

/**
 * The published versions of one dataset table as its Iceberg metadata records them: tags, snapshot
 * summaries, validation reports, and the moves of {@code main}. Works on Iceberg's API alone, with
 * no Spark: listing and looking up versions read table metadata only (one catalog call); a report
 * costs one small file read. {@link VersionCatalog} adds what needs Spark (rows, verify, export).
 */
public final class VersionTable {
  private final String tableName;
  private final Table table;

  VersionTable(String tableName, Table table) {
    this.tableName = requireNonNull(tableName, "tableName is null");
    this.table = requireNonNull(table, "table is null");
  }

  /**
   * Opens {@code tableName} ({@code catalog.namespace.table}, the catalog being {@code catalog}).
   *
   * @throws VersionNotFoundException when the table does not exist
   */
  public static VersionTable open(Catalog catalog, String tableName) {
    requireNonNull(catalog, "catalog is null");
    requireNonNull(tableName, "tableName is null");
    String[] parts = tableName.split("\\.", -1);
    if (parts.length < 2) {
      throw new IllegalArgumentException("Cannot parse table name '" + tableName + "'");
    }
    TableIdentifier id =
        TableIdentifier.of(
            Namespace.of(java.util.Arrays.copyOfRange(parts, 1, parts.length - 1)),
            parts[parts.length - 1]);
    try {
      return new VersionTable(tableName, catalog.loadTable(id));
    } catch (org.apache.iceberg.exceptions.NoSuchTableException e) {
      throw missingTable(tableName);
    }
  }

  static VersionNotFoundException missingTable(String tableName) {
    return new VersionNotFoundException(
        "Cannot read versions of '"
            + tableName
            + "': the table does not exist (publish a version first with generate, or check"
            + " --table and the catalog settings)");
  }

  public String tableName() {
    return tableName;
  }

  /** The Iceberg table. */
  public Table table() {
    return table;
  }

  /** Every version (tag), oldest first: by commit time, then by tag. */
  public List<VersionInfo> list() {
    Snapshot main = table.currentSnapshot();
    long mainId = main == null ? -1 : main.snapshotId();
    List<VersionInfo> out = new ArrayList<>();
    for (Map.Entry<String, SnapshotRef> e : table.refs().entrySet()) {
      if (!e.getValue().isTag()) {
        continue;
      }
      Snapshot s = table.snapshot(e.getValue().snapshotId());
      out.add(
          new VersionInfo(
              e.getKey(),
              s.snapshotId(),
              Instant.ofEpochMilli(s.timestampMillis()),
              s.snapshotId() == mainId,
              s.summary() == null ? Map.of() : s.summary(),
              Optional.ofNullable(table.properties().get(RETRACTED + e.getKey()))
                  .map(RefNote::parse)));
    }
    out.sort(Comparator.comparing(VersionInfo::createdAt).thenComparing(VersionInfo::tag));
    return out;
  }

  /**
   * The version named {@code version}: its tag ({@code v3}) or its version ({@code 3}).
   *
   * @throws VersionNotFoundException listing the versions that exist
   */
  public VersionInfo get(String version, String action) {
    List<VersionInfo> all = list();
    for (VersionInfo v : all) {
      if (v.tag().equals(version) || v.tag().equals("v" + version)) {
        return v;
      }
    }
    List<String> tags = all.stream().map(VersionInfo::tag).toList();
    throw new VersionNotFoundException(
        "Cannot "
            + action
            + " '"
            + tableName
            + "' version '"
            + version
            + "': no such version ("
            + (tags.isEmpty()
                ? "the table has no versions"
                : "existing: " + String.join(", ", tags))
            + ")");
  }

  /** Table property marking a retracted version: this prefix, then the tag. */
  static final String RETRACTED = VersionPublisher.PREFIX + "retracted.";

  /** Table property with the last explicit move of {@code main}, cleared by the next publish. */
  static final String MAIN_MOVED = VersionPublisher.PREFIX + "main-moved";

  /**
   * The last explicit move of {@code main} (promote, rollback, retract), unless a build published
   * since.
   */
  public Optional<RefNote> mainMoved() {
    return Optional.ofNullable(table.properties().get(MAIN_MOVED)).map(RefNote::parse);
  }

  /** What a move of {@code main} did. */
  public record Moved(String from, VersionInfo to, RefNote note) {}

  /**
   * Points {@code main} at {@code version}, recording why, by whom and when, in one metadata
   * commit; a retracted version is unmarked (an explicit promote is the only way back).
   */
  public Moved promote(VersionInfo version, String reason) {
    return move(version, RefNote.now("promote", version.tag(), reason), null);
  }

  /**
   * Points {@code main} at the newest version older than the one it points at that is not
   * retracted.
   *
   * @throws VersionStateException when there is none
   */
  public Moved rollback(String reason) {
    List<VersionInfo> all = list();
    VersionInfo current = all.stream().filter(VersionInfo::main).findFirst().orElse(null);
    VersionInfo target = null;
    for (VersionInfo v : all) {
      boolean older = current == null || v.createdAt().isBefore(current.createdAt());
      if (older && v.retracted().isEmpty() && (current == null || !v.tag().equals(current.tag()))) {
        target = v;
      }
    }
    if (target == null) {
      throw new VersionStateException(
          String.format(
              "Cannot roll back '%s': no version older than %s that is not retracted (promote one"
                  + " by name)",
              tableName, current == null ? "main" : current.tag()));
    }
    return move(target, RefNote.now("rollback", target.tag(), reason), null);
  }

  /**
   * Marks {@code version} retracted: it stays readable by its tag, and is shown as retracted. When
   * {@code main} points at it, {@code main} moves back to the newest older version that is not
   * retracted, in the same commit.
   *
   * @throws VersionStateException when {@code main} points at it and there is no other version
   */
  public Moved retract(VersionInfo version, String reason) {
    RefNote note = RefNote.now("retract", version.tag(), reason);
    if (!version.main()) {
      commit(null, note, version.tag());
      return new Moved(null, version, note);
    }
    VersionInfo target = null;
    for (VersionInfo v : list()) {
      if (!v.tag().equals(version.tag())
          && v.retracted().isEmpty()
          && v.snapshotId() != version.snapshotId()
          && v.createdAt().isBefore(version.createdAt())) {
        target = v;
      }
    }
    if (target == null) {
      throw new VersionStateException(
          String.format(
              "Cannot retract '%s' %s: main points at it and no older version that is not"
                  + " retracted can take its place (publish or promote another version first)",
              tableName, version.tag()));
    }
    return move(target, note, version.tag());
  }

  private Moved move(VersionInfo target, RefNote note, String retract) {
    String from =
        list().stream().filter(VersionInfo::main).map(VersionInfo::tag).findFirst().orElse("-");
    commit(target, note, retract);
    return new Moved(from, target, note);
  }

  /** One metadata commit: main to {@code target} (if any), the note, the retraction mark. */
  private void commit(VersionInfo target, RefNote note, String retract) {
    table.refresh();
    var txn = table.newTransaction();
    if (target != null) {
      txn.manageSnapshots().replaceBranch(SnapshotRef.MAIN_BRANCH, target.snapshotId()).commit();
    }
    var properties = txn.updateProperties();
    if (retract != null) {
      properties.set(RETRACTED + retract, note.toJson());
    }
    if (target != null) {
      if (!"retract".equals(note.action())) {
        properties.remove(RETRACTED + target.tag());
      }
      properties.set(MAIN_MOVED, note.toJson());
    }
    properties.commit();
    txn.commitTransaction();
    table.refresh();
  }

  /** The version's report.json, if its summary names one and the file is there. */
  public Optional<ValidationReport> report(VersionInfo version) {
    return version.property("report").map(location -> new ReportStore(table.io()).read(location));
  }

  /** The content checksum recorded when {@code version} was published, or "" if none was. */
  public String recordedChecksum(VersionInfo version) {
    return table.properties().getOrDefault(VersionPublisher.CHECKSUM_PROPERTY + version.tag(), "");
  }

  /**
   * The columns of {@code version} as Spark reads them by its tag: names, Spark's type names and
   * nullability, from the schema its snapshot was written with.
   */
  public List<Profile.Field> fields(VersionInfo version) {
    return SparkTypeNames.fields(SnapshotUtil.schemaFor(table, version.tag()));
  }
}
