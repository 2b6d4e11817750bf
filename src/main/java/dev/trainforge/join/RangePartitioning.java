package dev.trainforge.join;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.rdd.RDD;
import org.apache.spark.rdd.ShuffledRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.UnsafeRowSerializer;
import scala.Tuple2;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Range partitioning on the full event order, with exact carry-in: a hot key spans several
 * partitions, split by time, and each partition still sees every candidate from the partitions
 * before it. Costs one sampling pass over the events, then one shuffle.
 *
 * <p>Carry-in travels in the same shuffle. Each map task routes its rows by binary search over the
 * boundaries; for a feature row whose key continues past its partition's upper boundary, it keeps a
 * running best per (partition, source). At the end of its input it chains those bests along each
 * key's run of partitions and emits, for every partition a key continues into, a copy of the best
 * row (and of a hash-tie partner) seen before it. The copy keeps its own sort fields, which are
 * below the partition's lower boundary, so it sorts before every row of the partition. The
 * reducer's merge takes them as ordinary candidates: the best of the map tasks' bests is the best
 * of all. Since a carried row sorts where the row itself does, the result stays correct even if
 * partitions are later coalesced: a row offered twice changes nothing.
 */
public final class RangePartitioning implements JoinPartitioning {
  private static final long serialVersionUID = 1L;

  /**
   * Samples the boundaries (one job over {@code sortFields}), then routes every event and the
   * carry-in rows with one shuffle of unsafe rows: no partition id column is shipped or sorted.
   */
  @Override
  public Arranged arrange(
      EventLayout layout, Dataset<Row> events, Dataset<Row> sortFields, int numPartitions) {
    Boundaries bounds =
        Boundaries.sample(layout, sortFields.queryExecution().toRdd().toJavaRDD(), numPartitions);
    JavaRDD<InternalRow> rows = events.queryExecution().toRdd().toJavaRDD();
    RDD<Tuple2<Integer, InternalRow>> routed =
        rows.mapPartitions(new Router(layout, bounds, numPartitions)).rdd();
    ShuffledRDD<Integer, InternalRow, InternalRow> shuffled =
        new ShuffledRDD<>(routed, new ById(numPartitions), tag(), tag(), tag());
    shuffled.setSerializer(new UnsafeRowSerializer(events.schema().size(), null));
    return new Arranged(shuffled.toJavaRDD().map(Tuple2::_2), events, List.of(sortFields));
  }

  @SuppressWarnings("unchecked")
  private static <T> ClassTag<T> tag() {
    return (ClassTag<T>) ClassTag$.MODULE$.AnyRef();
  }

  /** The partitioner of rows already keyed by their partition. */
  static final class ById extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int partitions;

    ById(int partitions) {
      this.partitions = partitions;
    }

    @Override
    public int numPartitions() {
      return partitions;
    }

    @Override
    public int getPartition(Object key) {
      return (Integer) key;
    }
  }

  /** Map side: pairs each event with its partition, then emits the carry-in rows. */
  static final class Router
      implements FlatMapFunction<Iterator<InternalRow>, Tuple2<Integer, InternalRow>> {
    private static final long serialVersionUID = 1L;
    private final EventLayout layout;
    private final Boundaries bounds;
    private final int partitions;

    Router(EventLayout layout, Boundaries bounds, int partitions) {
      this.layout = layout;
      this.bounds = bounds;
      this.partitions = partitions;
    }

    @Override
    public Iterator<Tuple2<Integer, InternalRow>> call(Iterator<InternalRow> events) {
      return new Routing(events);
    }

    private final class Routing implements Iterator<Tuple2<Integer, InternalRow>> {
      private final Iterator<InternalRow> events;
      // partial[q][j]: best row of source j in partition q whose key continues into q + 1
      private final Candidate[][] partial = new Candidate[bounds.count()][];
      private Iterator<Tuple2<Integer, InternalRow>> carried;

      Routing(Iterator<InternalRow> events) {
        this.events = events;
      }

      @Override
      public boolean hasNext() {
        if (carried == null && events.hasNext()) {
          return true;
        }
        if (carried == null) {
          carried = carryIn().iterator();
        }
        return carried.hasNext();
      }

      @Override
      public Tuple2<Integer, InternalRow> next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        if (carried != null) {
          return carried.next();
        }
        InternalRow event = events.next();
        // the shuffle writer serializes each row at once, so Spark's buffer may be handed on
        return new Tuple2<>(route(event), event);
      }

      private int route(InternalRow event) {
        if (event.isNullAt(layout.keyHashIndex())) {
          return Math.floorMod(event.getLong(layout.saltIndex()), partitions);
        }
        int p = bounds.partitionOf(event);
        if (!layout.isLabel(event) && p < bounds.count() && bounds.sameKey(p, event)) {
          int j = layout.sourceOf(event);
          if (partial[p] == null) {
            partial[p] = newCandidates();
          }
          partial[p][j].offer(event);
        }
        return p;
      }

      private Candidate[] newCandidates() {
        Candidate[] c = new Candidate[layout.sourceCount];
        for (int j = 0; j < c.length; j++) {
          c[j] = layout.candidate(j);
        }
        return c;
      }

      /** Per partition p a key continues into: the best rows before it, chained along the key. */
      private List<Tuple2<Integer, InternalRow>> carryIn() {
        List<Tuple2<Integer, InternalRow>> out = new ArrayList<>();
        Candidate[] previous = null;
        for (int p = 1; p <= bounds.count(); p++) {
          InternalRow lower = bounds.get(p - 1);
          Candidate[] carry = newCandidates();
          if (partial[p - 1] != null) {
            offerAll(carry, partial[p - 1]);
          }
          if (previous != null && p >= 2 && layout.sameKey(bounds.get(p - 2), lower)) {
            offerAll(carry, previous);
          }
          for (int j = 0; j < carry.length; j++) {
            if (!carry[j].isEmpty()) {
              out.add(new Tuple2<>(p, carry[j].best()));
              if (carry[j].partner() != null) {
                out.add(new Tuple2<>(p, carry[j].partner()));
              }
            }
          }
          previous = carry;
        }
        return out;
      }

      private void offerAll(Candidate[] into, Candidate[] from) {
        for (int j = 0; j < into.length; j++) {
          into[j].offer(from[j]);
        }
      }
    }
  }
}
