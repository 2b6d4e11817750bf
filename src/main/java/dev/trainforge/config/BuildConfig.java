package dev.trainforge.config;

import static java.util.Objects.requireNonNull;

/**
 * A resolved, checked configuration: the dataset to build and the settings to build it with.
 *
 * @param dataset the dataset spec
 * @param settings the tool's settings
 * @param origin the file the dataset was defined in
 * @param canonicalJson the dataset spec as canonical JSON (sorted keys, normalized values)
 * @param configHash the SHA-256 of the canonical row definition (labels and feature sources, not
 *     name, version or output): equal hashes, equal row definitions
 */
public record BuildConfig(
    DatasetSpec dataset,
    AppSettings settings,
    String origin,
    String canonicalJson,
    String configHash) {
  public BuildConfig {
    requireNonNull(dataset, "dataset is null");
    requireNonNull(settings, "settings is null");
    requireNonNull(origin, "origin is null");
    requireNonNull(canonicalJson, "canonicalJson is null");
    requireNonNull(configHash, "configHash is null");
  }
}
