package dev.trainforge.lineage;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainforge.version.CodeVersion;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * OpenLineage run events (START, COMPLETE, FAIL) for one build, written to the OpenLineage spec
 * (2-0-2 RunEvent) with the JSON library Spark already ships: the run (a UUID, with the
 * orchestrator's run id and parent run as facets), the job (namespace and dataset name), the inputs
 * with their pinned snapshot or version, and the output table with the version published. Sent to
 * an HTTP endpoint (POST, as Marquez and the OpenLineage proxies take it) or appended to a file,
 * one event per line. Sending never fails a build: a lost event is reported on the log.
 */
public final class LineageEvents {
  /** Where events go. */
  public sealed interface Transport {
    /** No events (the default). */
    record None() implements Transport {}

    /** POSTed to {@code url} (e.g. http://127.0.0.1:5000/api/v1/lineage). */
    record Http(URI url, Duration timeout) implements Transport {}

    /** Appended to {@code file}, one JSON event per line. */
    record File(Path file) implements Transport {}
  }

  /**
   * A dataset of an event: its OpenLineage namespace (the scheme and authority of its location, or
   * {@code file}) and name (the path, or the table name), and its pinned version.
   */
  public record Input(String namespace, String name, String version, String format) {
    public Input {
      requireNonNull(namespace, "namespace is null");
      requireNonNull(name, "name is null");
    }
  }

  static final String PRODUCER = "https://github.com/trainforge/trainforge";
  static final String SCHEMA = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Transport transport;
  private final String namespace;
  private final String job;
  private final UUID runId = UUID.randomUUID();
  private final Optional<String> orchestratorRunId;
  private final Optional<String> parent;
  private final java.io.PrintStream log;
  private final String engineVersion;

  /**
   * @param parent {@code namespace/job/runId} of the orchestrator's run (Airflow's OpenLineage
   *     integration), if known
   */
  public LineageEvents(
      Transport transport,
      String namespace,
      String job,
      Optional<String> orchestratorRunId,
      Optional<String> parent,
      java.io.PrintStream log) {
    this(transport, namespace, job, orchestratorRunId, parent, log, "unknown");
  }

  /**
   * @param parent {@code namespace/job/runId} of the orchestrator's run, if known
   * @param engineVersion the version of Spark that runs the build
   */
  public LineageEvents(
      Transport transport,
      String namespace,
      String job,
      Optional<String> orchestratorRunId,
      Optional<String> parent,
      java.io.PrintStream log,
      String engineVersion) {
    this.engineVersion = requireNonNull(engineVersion, "engineVersion is null");
    this.transport = requireNonNull(transport, "transport is null");
    this.namespace = requireNonNull(namespace, "namespace is null");
    this.job = requireNonNull(job, "job is null");
    this.orchestratorRunId = requireNonNull(orchestratorRunId, "orchestratorRunId is null");
    this.parent = requireNonNull(parent, "parent is null");
    this.log = requireNonNull(log, "log is null");
  }

  public UUID runId() {
    return runId;
  }

  public void start(List<Input> inputs, String output) {
    emit("START", inputs, output, null, null);
  }

  public void complete(List<Input> inputs, String output, String version) {
    complete(inputs, output, version, List.of(), null);
  }

  /**
   * What a dataset of a run held or read: rows, bytes on storage and files ({@code
   * inputStatistics}, {@code outputStatistics}); a negative figure is left out.
   */
  public record Statistics(long rows, long bytes, long files) {}

  /**
   * COMPLETE, with what the run read of each input ({@code statistics}, in the order of {@code
   * inputs}, or empty) and wrote ({@code written}, or null).
   */
  public void complete(
      List<Input> inputs,
      String output,
      String version,
      List<Statistics> statistics,
      Statistics written) {
    this.statistics = statistics;
    this.written = written;
    try {
      emit("COMPLETE", inputs, output, version, null);
    } finally {
      this.statistics = List.of();
      this.written = null;
    }
  }

  private List<Statistics> statistics = List.of();
  private Statistics written;

  private static void statistics(ObjectNode facets, String name, Statistics s) {
    ObjectNode f = facet(facets, name);
    if (s.rows() >= 0) {
      f.put("rowCount", s.rows());
    }
    if (s.bytes() >= 0) {
      f.put("size", s.bytes());
    }
    if (s.files() >= 0) {
      f.put("fileCount", s.files());
    }
  }

  public void fail(List<Input> inputs, String output, Throwable error) {
    emit("FAIL", inputs, output, null, error);
  }

  /** The dataset namespace and name of a location: {@code s3a://bucket/p} is (s3a://bucket, /p). */
  public static Input input(String location, String version, String format) {
    URI uri = URI.create(location.contains("://") ? location : "file:" + absolute(location));
    if (format.equals("iceberg") && !location.contains("/")) {
      return new Input("iceberg", location, version, format);
    }
    String ns = uri.getScheme() + (uri.getAuthority() == null ? "" : "://" + uri.getAuthority());
    return new Input(ns, uri.getPath(), version, format);
  }

  private static String absolute(String path) {
    return Path.of(path).toAbsolutePath().normalize().toString();
  }

  private void emit(
      String type, List<Input> inputs, String output, String version, Throwable error) {
    if (transport instanceof Transport.None) {
      return;
    }
    ObjectNode e = JSON.createObjectNode();
    e.put("eventType", type);
    e.put("eventTime", Instant.now().toString());
    ObjectNode run = e.putObject("run");
    run.put("runId", runId.toString());
    ObjectNode runFacets = run.putObject("facets");
    orchestratorRunId.ifPresent(
        id -> facet(runFacets, "trainforge_run").put("orchestratorRunId", id));
    parent.ifPresent(p -> parentFacet(runFacets, p));
    ObjectNode engine = facet(runFacets, "processing_engine");
    engine.put("version", engineVersion);
    engine.put("name", "spark");
    engine.put("openlineageAdapterVersion", CodeVersion.get());
    ObjectNode build = facet(runFacets, "trainforge_build");
    build.put("codeVersion", CodeVersion.get());
    build.put("commit", CodeVersion.commit());
    build.put("dirty", CodeVersion.dirty());
    build.put("host", CodeVersion.host());
    build.put("user", CodeVersion.user());
    if (error != null) {
      ObjectNode f = facet(runFacets, "errorMessage");
      f.put("message", String.valueOf(error.getMessage()));
      f.put("programmingLanguage", "JAVA");
    }
    ObjectNode j = e.putObject("job");
    j.put("namespace", namespace);
    j.put("name", job);
    ObjectNode jobType = facet(j.putObject("facets"), "jobType");
    jobType.put("processingType", "BATCH");
    jobType.put("integration", "TRAINFORGE");
    jobType.put("jobType", "JOB");
    ArrayNode in = e.putArray("inputs");
    for (int k = 0; k < inputs.size(); k++) {
      Input i = inputs.get(k);
      ObjectNode d = in.addObject();
      d.put("namespace", i.namespace());
      d.put("name", i.name());
      ObjectNode facets = d.putObject("facets");
      if (i.version() != null) {
        facet(facets, "version").put("datasetVersion", i.version());
      }
      if (k < statistics.size()) {
        statistics(d.putObject("inputFacets"), "inputStatistics", statistics.get(k));
      }
    }
    ArrayNode out = e.putArray("outputs");
    ObjectNode o = out.addObject();
    o.put("namespace", "iceberg");
    o.put("name", output);
    ObjectNode outFacets = o.putObject("facets");
    if (version != null) {
      facet(outFacets, "version").put("datasetVersion", version);
    }
    if (written != null) {
      statistics(o.putObject("outputFacets"), "outputStatistics", written);
    }
    e.put("producer", PRODUCER);
    e.put("schemaURL", SCHEMA);
    send(e.toString());
  }

  /** This project's custom facets: a JSON schema in the repository. */
  static final String CUSTOM_FACETS =
      PRODUCER + "/blob/main/docs/openlineage/trainforge-facets.json";

  /**
   * The schema of each facet this writes: the spec's own, at the versions openlineage-python 1.54
   * carries (the tests check every event with it), and this project's for its run facets.
   */
  private static final java.util.Map<String, String> FACET_SCHEMAS =
      java.util.Map.of(
          "errorMessage", spec("1-0-1/ErrorMessageRunFacet"),
          "parent", spec("1-2-0/ParentRunFacet"),
          "version", spec("1-0-1/DatasetVersionDatasetFacet"),
          "jobType", spec("2-0-4/JobTypeJobFacet"),
          "processing_engine", spec("1-1-1/ProcessingEngineRunFacet"),
          "inputStatistics", spec("1-0-0/InputStatisticsInputDatasetFacet"),
          "outputStatistics", spec("1-0-2/OutputStatisticsOutputDatasetFacet"),
          "trainforge_run", CUSTOM_FACETS + "#/$defs/TrainforgeRunFacet",
          "trainforge_build", CUSTOM_FACETS + "#/$defs/TrainforgeBuildRunFacet");

  private static String spec(String versionAndName) {
    String name = versionAndName.substring(versionAndName.indexOf('/') + 1);
    return "https://openlineage.io/spec/facets/" + versionAndName + ".json#/$defs/" + name;
  }

  private static ObjectNode facet(ObjectNode facets, String name) {
    ObjectNode f = facets.putObject(name);
    f.put("_producer", PRODUCER);
    f.put("_schemaURL", FACET_SCHEMAS.get(name));
    return f;
  }

  private static void parentFacet(ObjectNode facets, String parent) {
    String[] parts = parent.split("/", 3);
    if (parts.length != 3) {
      return;
    }
    ObjectNode f = facet(facets, "parent");
    f.putObject("run").put("runId", parts[2]);
    ObjectNode pj = f.putObject("job");
    pj.put("namespace", parts[0]);
    pj.put("name", parts[1]);
  }

  private void send(String event) {
    try {
      if (transport instanceof Transport.File f) {
        Files.writeString(
            f.file(),
            event + "\n",
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      } else if (transport instanceof Transport.Http h) {
        HttpResponse<String> r =
            HttpClient.newBuilder()
                .connectTimeout(h.timeout())
                .build()
                .send(
                    HttpRequest.newBuilder(h.url())
                        .timeout(h.timeout())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(event))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
          log.printf(
              "OpenLineage: %s answered %d; the event was not recorded%n", h.url(), r.statusCode());
        }
      }
    } catch (IOException e) {
      log.printf("OpenLineage: cannot send the event (%s); the build goes on%n", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
