package dev.trainforge.spark;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

/** Column references that survive any column name, dots and backticks included. */
public final class Columns {
  private Columns() {}

  /** The top-level column {@code name}, never parsed as a struct path. */
  public static Column named(String name) {
    return functions.col("`" + name.replace("`", "``") + "`");
  }
}
