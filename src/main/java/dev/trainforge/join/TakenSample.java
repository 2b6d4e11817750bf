package dev.trainforge.join;

import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One key group's label events sampled before the join's sampling job ({@link LabelSample}), as
 * that job samples events: their sort fields with the rows each stands for, and the latest label
 * time of all the labels. The job then samples the feature rows alone.
 */
public final class TakenSample {
  static final TakenSample NONE = new TakenSample(List.of(), Long.MIN_VALUE, Optional.empty());

  private final List<Boundaries.Sample> samples;
  private final long latestLabel;
  private final Optional<Dataset<Row>> read;

  TakenSample(List<Boundaries.Sample> samples, long latestLabel, Optional<Dataset<Row>> read) {
    this.samples = List.copyOf(samples);
    this.latestLabel = latestLabel;
    this.read = read;
  }

  List<Boundaries.Sample> samples() {
    return samples;
  }

  /** The latest label time of all the labels, {@link Long#MIN_VALUE} when none has one. */
  long latestLabel() {
    return latestLabel;
  }

  /** The query that read the labels for the sample, if one did. */
  Optional<Dataset<Row>> read() {
    return read;
  }
}
