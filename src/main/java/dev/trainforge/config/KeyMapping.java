package dev.trainforge.config;

import static java.util.Objects.requireNonNull;

/** A feature source's key column and the label column it equals. */
public record KeyMapping(String featureColumn, String labelColumn) {
  public KeyMapping {
    requireNonNull(featureColumn, "featureColumn is null");
    requireNonNull(labelColumn, "labelColumn is null");
  }
}
