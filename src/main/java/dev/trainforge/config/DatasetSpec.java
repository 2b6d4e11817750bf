package dev.trainforge.config;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What a data scientist asks for: a named, versioned training dataset built from a label table and
 * feature sources.
 */
public record DatasetSpec(
    String name,
    String version,
    LabelSpec labels,
    List<FeatureSourceSpec> features,
    OutputSpec output,
    ValidationSpec validation) {
  public DatasetSpec {
    requireNonNull(name, "name is null");
    requireNonNull(version, "version is null");
    requireNonNull(labels, "labels is null");
    features = List.copyOf(features);
    requireNonNull(output, "output is null");
    requireNonNull(validation, "validation is null");
  }

  /** The Iceberg tag of this version. */
  public String tag() {
    return "v" + version;
  }
}
