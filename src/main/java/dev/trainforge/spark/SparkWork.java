package dev.trainforge.spark;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.RDD;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.FileSourceScanExec;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;
import org.apache.spark.sql.execution.datasources.v2.BatchScanExec;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.util.QueryExecutionListener;
import scala.jdk.javaapi.CollectionConverters;

/**
 * What Spark is doing and has done for this driver, from its own metrics: the run time of finished
 * tasks (through a listener, by the description of their job), the progress of active stages (from
 * its status tracker), what each input's scans read (their SQL metrics: files, bytes, rows) and the
 * tasks that ran them, and the bytes of each shuffle. The one place that reads Spark's scheduler;
 * costs a map update per finished task, keyed by stage and by the scans the task ran.
 */
public final class SparkWork implements AutoCloseable {
  private final SparkSession spark;
  private final SparkContext context;
  private final AtomicLong taskMillis = new AtomicLong();
  private final SparkListener listener;
  private final QueryExecutionListener queries;

  /** Stage id to the description of the job that ran it ("" for none). */
  private final Map<Integer, String> stageJob = new ConcurrentHashMap<>();

  /** Stage id to the shuffle it writes. */
  private final Map<Integer, Integer> stageShuffle = new ConcurrentHashMap<>();

  /** Stage id to the stages it reads. */
  private final Map<Integer, List<Integer>> stageParents = new ConcurrentHashMap<>();

  /** Finished tasks, summed by stage and by the SQL metrics they updated. */
  private final Map<TaskGroup, long[]> tasks = new ConcurrentHashMap<>();

  /** Scans of the queries Spark reported as finished. */
  private final List<Scan> reported = new CopyOnWriteArrayList<>();

  private record TaskGroup(int stage, Set<Long> metrics) {}

  private static final int RUN = 0, SHUFFLE_WRITTEN = 1, SHUFFLE_READ = 2, SHUFFLE_RECORDS = 3;

  /**
   * One file or table scan of a physical plan: what it reads (qualified root paths or a table
   * name), its SQL metric ids and its figures.
   */
  record Scan(List<String> roots, Set<Long> metrics, long files, long bytes, long rows) {}

  public SparkWork(SparkSession spark) {
    this.spark = spark;
    this.context = spark.sparkContext();
    this.listener =
        new SparkListener() {
          @Override
          public void onJobStart(SparkListenerJobStart start) {
            String description =
                start.properties() == null
                    ? ""
                    : start.properties().getProperty("spark.job.description", "");
            for (StageInfo s : CollectionConverters.asJava(start.stageInfos())) {
              stageJob.putIfAbsent(s.stageId(), description);
              if (s.shuffleDepId().isDefined()) {
                stageShuffle.put(s.stageId(), (Integer) s.shuffleDepId().get());
              }
              List<Integer> parents = new ArrayList<>();
              for (Object p : CollectionConverters.asJava(s.parentIds())) {
                parents.add((Integer) p);
              }
              stageParents.put(s.stageId(), parents);
            }
          }

          @Override
          public void onTaskEnd(SparkListenerTaskEnd end) {
            var m = end.taskMetrics();
            if (m == null) {
              return;
            }
            taskMillis.addAndGet(m.executorRunTime());
            Set<Long> metrics = new HashSet<>();
            for (AccumulableInfo a : CollectionConverters.asJava(end.taskInfo().accumulables())) {
              if (a.name().isDefined() && !a.name().get().startsWith("internal.")) {
                metrics.add(a.id());
              }
            }
            long[] sums =
                tasks.computeIfAbsent(new TaskGroup(end.stageId(), metrics), k -> new long[4]);
            synchronized (sums) {
              sums[RUN] += m.executorRunTime();
              sums[SHUFFLE_WRITTEN] += m.shuffleWriteMetrics().bytesWritten();
              sums[SHUFFLE_READ] += m.shuffleReadMetrics().totalBytesRead();
              sums[SHUFFLE_RECORDS] += m.shuffleWriteMetrics().recordsWritten();
            }
          }
        };
    this.queries =
        new QueryExecutionListener() {
          @Override
          public void onSuccess(String funcName, QueryExecution qe, long durationNs) {
            remember(qe);
          }

          @Override
          public void onFailure(String funcName, QueryExecution qe, Exception exception) {
            remember(qe);
          }

          private void remember(QueryExecution qe) {
            try {
              reported.addAll(scans(qe.executedPlan()));
            } catch (RuntimeException e) {
              // A query that failed before it was planned read nothing.
            }
          }
        };
    context.addSparkListener(listener);
    spark.listenerManager().register(queries);
  }

  /**
   * Executor run time of the tasks that finished since this was made, in milliseconds. Spark
   * delivers task ends asynchronously, so the last tasks of a job may arrive a little later; {@link
   * #settle()} waits for them.
   */
  public long taskMillis() {
    return taskMillis.get();
  }

  /** Waits (up to 10 s) until Spark has delivered the events of the work done so far. */
  public void settle() {
    try {
      context.listenerBus().waitUntilEmpty(10_000L);
    } catch (TimeoutException e) {
      // The figures then miss the last events; the build goes on.
    }
  }

  /** Executor run time of the tasks of the jobs described as {@code description}. */
  public long taskMillis(String description) {
    long sum = 0;
    for (Map.Entry<TaskGroup, long[]> e : tasks.entrySet()) {
      if (description.equals(stageJob.get(e.getKey().stage()))) {
        sum += e.getValue()[RUN];
      }
    }
    return sum;
  }

  /** The active stages, e.g. {@code stage 12 (mapPartitions at AsOfJoin.java:160): 34/64 tasks}. */
  public List<String> activeStages() {
    List<String> out = new ArrayList<>();
    for (int id : context.statusTracker().getActiveStageIds()) {
      scala.Option<SparkStageInfo> info = context.statusTracker().getStageInfo(id);
      if (info.isDefined()) {
        SparkStageInfo s = info.get();
        out.add(
            String.format(
                "stage %d (%s): %d/%d tasks", id, s.name(), s.numCompletedTasks(), s.numTasks()));
      }
    }
    return out;
  }

  /** The absolute URI of a location: see {@link Locations#uri}. */
  public String qualify(String location, boolean table) {
    return Locations.uri(spark, location, table);
  }

  /**
   * What the input at {@code uri} (from {@link #qualify}) cost: files, bytes and rows of its scans
   * in {@code reads} (plans that ran, each reading every input once), and the run time of every
   * task that ran any scan of it, in these plans or in the queries Spark reported.
   */
  public BuildCost.Source source(
      String role, String uri, List<Dataset<?>> reads, List<Dataset<?>> others) {
    settle();
    List<Scan> main = new ArrayList<>();
    reads.forEach(d -> main.addAll(scans(d.queryExecution().executedPlan())));
    List<Scan> all = new ArrayList<>(main);
    others.forEach(d -> all.addAll(scans(d.queryExecution().executedPlan())));
    all.addAll(reported);
    long files = 0, bytes = 0, rows = 0;
    for (Scan s : main) {
      if (reads(s, uri)) {
        files += s.files();
        bytes += s.bytes();
        rows += s.rows();
      }
    }
    Set<Long> metrics = new HashSet<>();
    for (Scan s : all) {
      if (reads(s, uri)) {
        metrics.addAll(s.metrics());
      }
    }
    long run = 0;
    for (Map.Entry<TaskGroup, long[]> e : tasks.entrySet()) {
      if (!java.util.Collections.disjoint(e.getKey().metrics(), metrics)) {
        run += e.getValue()[RUN];
      }
    }
    return new BuildCost.Source(role, uri, files, bytes, rows, run);
  }

  /**
   * The bytes of the shuffle that {@code rdd} reads (the nearest in its lineage): written by the
   * map tasks of its stages, read by the stages after them.
   */
  public BuildCost.KeyGroup shuffle(List<String> keys, List<String> sources, JavaRDD<?> rdd) {
    settle();
    Optional<Integer> shuffle = nearestShuffle(rdd.rdd(), new HashSet<>());
    long written = 0, read = 0, records = 0;
    if (shuffle.isPresent()) {
      Set<Integer> mapStages = new HashSet<>();
      stageShuffle.forEach(
          (stage, id) -> {
            if (id.equals(shuffle.get())) {
              mapStages.add(stage);
            }
          });
      Set<Integer> readers = new HashSet<>();
      stageParents.forEach(
          (stage, parents) -> {
            if (!java.util.Collections.disjoint(parents, mapStages)) {
              readers.add(stage);
            }
          });
      for (Map.Entry<TaskGroup, long[]> e : tasks.entrySet()) {
        int stage = e.getKey().stage();
        if (mapStages.contains(stage)) {
          written += e.getValue()[SHUFFLE_WRITTEN];
          records += e.getValue()[SHUFFLE_RECORDS];
        }
        if (readers.contains(stage)) {
          read += e.getValue()[SHUFFLE_READ];
        }
      }
    }
    return new BuildCost.KeyGroup(keys, sources, written, read, records);
  }

  private static Optional<Integer> nearestShuffle(RDD<?> rdd, Set<Integer> seen) {
    if (!seen.add(rdd.id())) {
      return Optional.empty();
    }
    for (var d : CollectionConverters.asJava(rdd.dependencies())) {
      if (d instanceof ShuffleDependency<?, ?, ?> s) {
        return Optional.of(s.shuffleId());
      }
    }
    for (var d : CollectionConverters.asJava(rdd.dependencies())) {
      Optional<Integer> found = nearestShuffle(d.rdd(), seen);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  private static boolean reads(Scan s, String uri) {
    for (String r : s.roots()) {
      if (r.equals(uri) || r.startsWith(uri.endsWith("/") ? uri : uri + "/")) {
        return true;
      }
      // A table: its name with or without the catalog.
      if (!uri.contains("/") && (r.endsWith("." + uri) || uri.endsWith("." + r))) {
        return true;
      }
    }
    return false;
  }

  /** The file and table scans of a physical plan, through adaptive plans and their stages. */
  static List<Scan> scans(SparkPlan plan) {
    List<Scan> out = new ArrayList<>();
    collect(plan, out);
    return out;
  }

  private static void collect(SparkPlan p, List<Scan> out) {
    if (p instanceof AdaptiveSparkPlanExec a) {
      collect(a.executedPlan(), out);
      return;
    }
    if (p instanceof QueryStageExec q) {
      collect(q.plan(), out);
      return;
    }
    if (p instanceof FileSourceScanExec f) {
      List<String> roots = new ArrayList<>();
      for (Path r : CollectionConverters.asJava(f.relation().location().rootPaths())) {
        roots.add(r.toString());
      }
      out.add(scan(roots, CollectionConverters.asJava(f.metrics()), "numFiles", "filesSize"));
    } else if (p instanceof BatchScanExec b) {
      out.add(
          scan(
              List.of(b.table().name()),
              CollectionConverters.asJava(b.metrics()),
              "resultDataFiles",
              "totalDataFileSize"));
    }
    for (SparkPlan c : CollectionConverters.asJava(p.children())) {
      collect(c, out);
    }
  }

  private static Scan scan(
      List<String> roots, Map<String, SQLMetric> m, String files, String bytes) {
    Set<Long> ids = new HashSet<>();
    m.values().forEach(x -> ids.add(x.id()));
    return new Scan(roots, ids, value(m, files), value(m, bytes), value(m, "numOutputRows"));
  }

  private static long value(Map<String, SQLMetric> m, String name) {
    SQLMetric x = m.get(name);
    return x == null ? 0 : Math.max(0, x.value());
  }

  @Override
  public void close() {
    context.removeSparkListener(listener);
    spark.listenerManager().unregister(queries);
  }
}
