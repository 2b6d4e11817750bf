package dev.trainforge.join;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.XxHash64;

/**
 * A feature row's content hash, {@code xxhash64} of its feature columns as Spark computes it, read
 * from the row's slots. The merge needs it only when two rows tie in every time, so it is computed
 * there, not shipped: evaluated (interpreted) once per tie, not once per row.
 */
final class ContentHash implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final long SEED = 42L; // Spark's xxhash64 seed

  private final EventLayout layout;
  private final int source;
  private transient Expression hash;

  ContentHash(EventLayout layout, int source) {
    this.layout = layout;
    this.source = source;
  }

  long of(InternalRow event) {
    if (hash == null) {
      List<Expression> children = new ArrayList<>();
      for (int f : layout.sources[source].features()) {
        children.add(new BoundReference(f, layout.slotType(f), true));
      }
      hash = new XxHash64(scala.jdk.javaapi.CollectionConverters.asScala(children).toSeq(), SEED);
    }
    return (Long) hash.eval(event);
  }
}
