package dev.trainforge.config;

import static java.util.Objects.requireNonNull;

/** The Iceberg table a dataset's versions are published to. */
public record OutputSpec(String catalog, String namespace, String table) {
  public OutputSpec {
    requireNonNull(catalog, "catalog is null");
    requireNonNull(namespace, "namespace is null");
    requireNonNull(table, "table is null");
  }

  /** The name Spark resolves: {@code catalog.namespace.table}. */
  public String qualifiedName() {
    return catalog + "." + namespace + "." + table;
  }
}
