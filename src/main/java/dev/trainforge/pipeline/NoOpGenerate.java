package dev.trainforge.pipeline;

import dev.trainforge.config.AppSettings;
import dev.trainforge.config.BuildConfig;
import dev.trainforge.config.DatasetSpec;
import dev.trainforge.config.FeatureSourceSpec;
import dev.trainforge.config.OutputSpec;
import dev.trainforge.lineage.LineageEvents;
import dev.trainforge.source.InputPin;
import dev.trainforge.source.QuickPins;
import dev.trainforge.version.IcebergCatalogs;
import dev.trainforge.version.VersionPublisher;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * The existence check of {@code generate} without Spark. When the version asked for is already
 * published with the same config hash, and every input resolves, through Iceberg's and Hadoop's
 * APIs alone, to the pin the version recorded, the build is a no-op: this prints and returns what
 * {@link DatasetBuild} would (the same log lines, result and lineage events) without starting a
 * Spark session. In every other case (a new version, a changed config or input, an input that
 * cannot be resolved for certain without Spark, any error) it gives nothing and leaves the build,
 * or its refusal in words, to {@link DatasetBuild}.
 */
public final class NoOpGenerate {
  private NoOpGenerate() {}

  /** The phase a no-op build consists of, as {@link DatasetBuild} names it. */
  static final String PHASE = "pin and check inputs";

  /**
   * The result of building {@code config} when its version exists as asked, printing to {@code log}
   * what a build prints then; else empty, having printed nothing.
   */
  public static Optional<BuildResult> check(BuildConfig config, String runId, PrintStream log) {
    long started = System.nanoTime();
    long start = System.currentTimeMillis();
    DatasetSpec spec = config.dataset();
    AppSettings settings = config.settings();
    Map<String, Catalog> catalogs = new LinkedHashMap<>();
    try {
      Found found;
      try {
        found = find(config, settings, catalogs).orElse(null);
      } catch (RuntimeException e) {
        // The build through Spark meets the same fault, and says it in its words.
        return Optional.empty();
      }
      if (found == null) {
        return Optional.empty();
      }
      String output = spec.output().qualifiedName();
      List<LineageEvents.Input> inputs =
          found.pins().stream()
              .map(p -> LineageEvents.input(p.location(), p.pin(), p.format().configName()))
              .toList();
      log.printf("[%6.1f s] %s%n", 0.0, PHASE);
      LineageEvents lineage = ExistingVersion.lineage(config, runId, log);
      lineage.start(inputs, output);
      try {
        ExistingVersion.logSame(log, spec);
        BuildResult result =
            ExistingVersion.result(
                config,
                found.snapshot(),
                found.table().io(),
                found
                    .table()
                    .properties()
                    .getOrDefault(VersionPublisher.CHECKSUM_PROPERTY + spec.tag(), ""),
                System.currentTimeMillis() - start);
        long wall = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        log.printf(
            "[%6.1f s] done (%s: %.1f s, task time %.1f s)%n",
            wall / 1000.0, PHASE, wall / 1000.0, 0.0);
        lineage.complete(inputs, output, result.tag());
        // as the Spark path: an existing version's result carries no cost of its own
        return Optional.of(result);
      } catch (RuntimeException e) {
        lineage.fail(inputs, output, e);
        throw e;
      }
    } finally {
      catalogs.values().forEach(IcebergCatalogs::close);
    }
  }

  /**
   * Whether {@code config}'s inputs (its labels and every feature source) take less than {@code
   * limit} bytes on storage together, as far as that is known without Spark: false when any input's
   * size is unknown, or {@code limit} is 0. Costs a listing of each input directory (stopped once
   * the sum passes the limit) and, for an Iceberg input, a load of its table.
   */
  public static boolean inputsBelow(BuildConfig config, long limit) {
    if (limit <= 0) {
      return false;
    }
    DatasetSpec spec = config.dataset();
    AppSettings settings = config.settings();
    Map<String, Catalog> catalogs = new LinkedHashMap<>();
    try {
      QuickPins quick = quickPins(settings, catalogs);
      List<dev.trainforge.config.SourceLocation> inputs = new ArrayList<>();
      inputs.add(spec.labels().source());
      spec.features().forEach(f -> inputs.add(f.source()));
      long total = 0;
      for (dev.trainforge.config.SourceLocation input : inputs) {
        java.util.OptionalLong bytes = quick.bytesUpTo(input, limit - total);
        if (bytes.isEmpty()) {
          return false;
        }
        total += bytes.getAsLong();
        if (total >= limit) {
          return false;
        }
      }
      return true;
    } catch (RuntimeException e) {
      // Not knowing the size is not an error: the build then runs as any other.
      return false;
    } finally {
      catalogs.values().forEach(IcebergCatalogs::close);
    }
  }

  private static QuickPins quickPins(AppSettings settings, Map<String, Catalog> catalogs) {
    return new QuickPins(
        IcebergCatalogs.hadoopConf(IcebergCatalogs.sparkConf(settings), null),
        name -> icebergTable(settings, catalogs, name));
  }

  /** The published version and the inputs' current pins, when they are what it recorded. */
  private record Found(Table table, Snapshot snapshot, List<InputPin> pins) {}

  private static Optional<Found> find(
      BuildConfig config, AppSettings settings, Map<String, Catalog> catalogs) {
    DatasetSpec spec = config.dataset();
    OutputSpec out = spec.output();
    Optional<Table> table =
        table(settings, catalogs, out.catalog(), Namespace.of(out.namespace()), out.table());
    if (table.isEmpty()) {
      return Optional.empty();
    }
    SnapshotRef ref = table.get().refs().get(spec.tag());
    if (ref == null || !ref.isTag()) {
      return Optional.empty();
    }
    Snapshot snapshot = table.get().snapshot(ref.snapshotId());
    Map<String, String> summary = snapshot.summary();
    if (summary == null
        || !config.configHash().equals(summary.get(VersionPublisher.PREFIX + "config-sha256"))) {
      return Optional.empty();
    }
    QuickPins quick = quickPins(settings, catalogs);
    List<InputPin> pins = new ArrayList<>();
    Optional<InputPin> labels = quick.resolve(spec.labels().source(), InputPin.LABELS);
    if (labels.isEmpty()) {
      return Optional.empty();
    }
    pins.add(labels.get());
    for (FeatureSourceSpec f : spec.features()) {
      Optional<InputPin> pin = quick.resolve(f.source(), InputPin.feature(f.name()));
      if (pin.isEmpty()) {
        return Optional.empty();
      }
      pins.add(pin.get());
    }
    if (!ExistingVersion.differences(config, summary, pins).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Found(table.get(), snapshot, pins));
  }

  /** An Iceberg input table named {@code catalog.namespace.table}, if it resolves without Spark. */
  private static Optional<Table> icebergTable(
      AppSettings settings, Map<String, Catalog> catalogs, String name) {
    String[] parts = name.split("\\.", -1);
    if (parts.length != 3) {
      // A name without its catalog resolves against Spark's current catalog.
      return Optional.empty();
    }
    return table(settings, catalogs, parts[0], Namespace.of(parts[1]), parts[2]);
  }

  private static Optional<Table> table(
      AppSettings settings,
      Map<String, Catalog> catalogs,
      String catalogName,
      Namespace namespace,
      String name) {
    Catalog catalog = catalogs.get(catalogName);
    if (catalog == null) {
      Optional<Catalog> opened = IcebergCatalogs.open(settings, catalogName);
      if (opened.isEmpty()) {
        return Optional.empty();
      }
      catalog = opened.get();
      catalogs.put(catalogName, catalog);
    }
    try {
      return Optional.of(catalog.loadTable(TableIdentifier.of(namespace, name)));
    } catch (org.apache.iceberg.exceptions.NoSuchTableException e) {
      return Optional.empty();
    }
  }
}
