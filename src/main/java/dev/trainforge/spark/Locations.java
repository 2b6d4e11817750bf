package dev.trainforge.spark;

import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/** Absolute URIs of the locations a build reads and writes. */
public final class Locations {
  private Locations() {}

  /**
   * The absolute URI of a location: a path qualified by its file system ({@code file:/abs/labels}
   * for {@code labels} read from /abs, {@code s3a://bucket/labels} as it is); a table name as it
   * is.
   */
  public static String uri(SparkSession spark, String location, boolean table) {
    if (table) {
      return location;
    }
    try {
      Path p = new Path(location);
      return p.getFileSystem(spark.sparkContext().hadoopConfiguration())
          .makeQualified(p)
          .toString();
    } catch (java.io.IOException | IllegalArgumentException e) {
      return location;
    }
  }
}
