package dev.trainforge.config;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * The train/validation/test assignment of a dataset, written as one column of every row. Part of
 * the row definition, so part of the config hash.
 *
 * @param by how rows are assigned: by the label time against cut-offs, or by a hash of a group key
 * @param column the output column holding {@code train}, {@code validation} or {@code test}
 * @param trainUntil by time: rows with label time {@code t < trainUntil} are train
 * @param validationUntil by time: rows with {@code trainUntil <= t < validationUntil} are
 *     validation, later rows test; empty: no validation split
 * @param groupKey by hash: the label-side column whose rows always share a split
 * @param seed by hash: the seed hashed with the group key
 * @param train by hash: the share of groups in train
 * @param validation by hash: the share of groups in validation
 * @param test by hash: the share of groups in test
 */
public record SplitSpec(
    By by,
    String column,
    Optional<Instant> trainUntil,
    Optional<Instant> validationUntil,
    Optional<String> groupKey,
    long seed,
    double train,
    double validation,
    double test) {
  public static final String TRAIN = "train";
  public static final String VALIDATION = "validation";
  public static final String TEST = "test";

  public SplitSpec {
    requireNonNull(by, "by is null");
    requireNonNull(column, "column is null");
    requireNonNull(trainUntil, "trainUntil is null");
    requireNonNull(validationUntil, "validationUntil is null");
    requireNonNull(groupKey, "groupKey is null");
  }

  /** How rows are assigned to splits. */
  public enum By {
    /** By the label time against cut-offs. */
    TIME,
    /** By {@code xxhash64(seed, group key)}: all rows of a group share a split. */
    HASH
  }
}
