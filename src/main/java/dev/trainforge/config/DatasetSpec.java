package dev.trainforge.config;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * What a data scientist asks for: a named, versioned training dataset built from a label table and
 * feature sources, optionally with a train/validation/test split column.
 */
public record DatasetSpec(
    String name,
    String version,
    LabelSpec labels,
    List<FeatureSourceSpec> features,
    OutputSpec output,
    ValidationSpec validation,
    Optional<SplitSpec> split,
    Optional<java.time.Duration> retention) {
  public DatasetSpec {
    requireNonNull(name, "name is null");
    requireNonNull(version, "version is null");
    requireNonNull(labels, "labels is null");
    features = List.copyOf(features);
    requireNonNull(output, "output is null");
    requireNonNull(validation, "validation is null");
    requireNonNull(split, "split is null");
    requireNonNull(retention, "retention is null");
    retention.ifPresent(
        r -> {
          if (r.isNegative() || r.isZero() || r.toSeconds() % 86_400 != 0) {
            throw new IllegalArgumentException("retention is not a whole number of days: " + r);
          }
        });
  }

  /** A dataset without retention: each version holds the labels of its build. */
  public DatasetSpec(
      String name,
      String version,
      LabelSpec labels,
      List<FeatureSourceSpec> features,
      OutputSpec output,
      ValidationSpec validation,
      Optional<SplitSpec> split) {
    this(name, version, labels, features, output, validation, split, Optional.empty());
  }

  /** Days retained by a rolling dataset ({@code dataset.retention}), if it has one. */
  public Optional<Long> retentionDays() {
    return retention.map(java.time.Duration::toDays);
  }

  /** A dataset without a split column. */
  public DatasetSpec(
      String name,
      String version,
      LabelSpec labels,
      List<FeatureSourceSpec> features,
      OutputSpec output,
      ValidationSpec validation) {
    this(name, version, labels, features, output, validation, Optional.empty());
  }

  /** The Iceberg tag of this version. */
  public String tag() {
    return "v" + version;
  }
}
