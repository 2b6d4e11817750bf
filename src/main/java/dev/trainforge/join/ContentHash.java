package dev.trainforge.join;

import java.io.Serializable;
import java.util.function.ToLongFunction;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;

/**
 * A feature row's content hash, {@code xxhash64} of its feature columns as Spark computes it, read
 * from the row's slots. The merge needs it only when two rows tie in every time, so it is computed
 * there, not shipped: evaluated (interpreted) once per tie, not once per row.
 */
final class ContentHash implements Serializable {
  private static final long serialVersionUID = 1L;
  private final EventLayout layout;
  private final int source;
  private transient ToLongFunction<InternalRow> hash;

  ContentHash(EventLayout layout, int source) {
    this.layout = layout;
    this.source = source;
  }

  long of(InternalRow event) {
    if (hash == null) {
      int[] features = layout.sources[source].features();
      DataType[] types = new DataType[features.length];
      for (int i = 0; i < features.length; i++) {
        types[i] = layout.slotType(features[i]);
      }
      hash = SparkRows.xxHash64(features, types);
    }
    return hash.applyAsLong(event);
  }
}
