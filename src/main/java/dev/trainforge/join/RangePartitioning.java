package dev.trainforge.join;

import static dev.trainforge.spark.Columns.named;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

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
  static final String PARTITION_ID = "__tf_pid";

  @Override
  public Dataset<Row> arrange(
      EventLayout layout, Dataset<Row> events, Dataset<Row> sortFields, int numPartitions) {
    SparkSession spark = events.sparkSession();
    Boundaries bounds =
        Boundaries.sample(layout, sortFields.queryExecution().toRdd().toJavaRDD(), numPartitions);
    JavaRDD<InternalRow> rows = events.queryExecution().toRdd().toJavaRDD();
    JavaRDD<InternalRow> routed = rows.mapPartitions(new Router(layout, bounds, numPartitions));
    StructType schema = events.schema().add(PARTITION_ID, DataTypes.IntegerType, false);
    Dataset<Row> withIds =
        ((org.apache.spark.sql.classic.SparkSession) spark)
            .internalCreateDataFrame(routed.rdd(), schema, false);
    return withIds
        .repartitionById(numPartitions, named(PARTITION_ID))
        .sortWithinPartitions(layout.sortOrder());
  }

  /** Map side: appends each event's partition id, then emits the carry-in rows. */
  static final class Router implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {
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
    public Iterator<InternalRow> call(Iterator<InternalRow> events) {
      return new Routing(events);
    }

    private final class Routing implements Iterator<InternalRow> {
      private final Iterator<InternalRow> events;
      // partial[q][j]: best row of source j in partition q whose key continues into q + 1
      private final Candidate[][] partial = new Candidate[bounds.count()][];
      private final GenericInternalRow id = new GenericInternalRow(1);
      private final JoinedRow joined = new JoinedRow();
      private Iterator<InternalRow> carried;

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
      public InternalRow next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        if (carried != null) {
          return carried.next();
        }
        InternalRow event = events.next();
        int p = route(event);
        id.setInt(0, p);
        return joined.apply(event, id);
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
      private List<InternalRow> carryIn() {
        List<InternalRow> out = new ArrayList<>();
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
              out.add(routedTo(carry[j].best(), p));
              if (carry[j].partner() != null) {
                out.add(routedTo(carry[j].partner(), p));
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

      /** A copy of an earlier partition's event, routed to p: it sorts before all of p's rows. */
      private InternalRow routedTo(InternalRow event, int p) {
        GenericInternalRow pid = new GenericInternalRow(1);
        pid.setInt(0, p);
        return new JoinedRow(event, pid);
      }
    }
  }
}
