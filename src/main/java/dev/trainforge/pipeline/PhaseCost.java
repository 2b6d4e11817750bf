package dev.trainforge.pipeline;

import static java.util.Objects.requireNonNull;

/**
 * What one phase of a build cost.
 *
 * @param phase what the phase did
 * @param wallMillis its wall time
 * @param taskMillis the executor run time of its Spark tasks
 */
public record PhaseCost(String phase, long wallMillis, long taskMillis) {
  public PhaseCost {
    requireNonNull(phase, "phase is null");
  }
}
