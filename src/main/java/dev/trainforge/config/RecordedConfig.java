package dev.trainforge.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * A dataset file written back from the spec a version recorded ({@link CanonicalJson}, the snapshot
 * summary's {@code trainforge.config}): the keys of the dataset file, durations in seconds,
 * locations as {@code path} or {@code table}. Loading it gives the recorded row definition, so a
 * version built with {@code --set} flags can be rebuilt without them; the config hash, compared
 * after loading, proves it. Validation settings are not recorded (they do not define rows) and take
 * their defaults.
 */
public final class RecordedConfig {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RecordedConfig() {}

  /** The dataset file (HOCON, in JSON syntax) for {@code canonicalJson}. */
  public static String toDatasetFile(String canonicalJson) {
    JsonNode spec;
    try {
      spec = JSON.readTree(canonicalJson);
    } catch (JsonProcessingException e) {
      throw new ConfigException("the recorded config is not JSON: " + e.getOriginalMessage());
    }
    ObjectNode dataset = JSON.createObjectNode();
    copy(spec, dataset, "name", "version", "output");
    ObjectNode labels = source(spec.path("labels"));
    ObjectNode window = JSON.createObjectNode();
    copyAs(spec.path("labels"), window, "window-start", "start");
    copyAs(spec.path("labels"), window, "window-end", "end");
    labels.remove(java.util.List.of("window-start", "window-end"));
    if (window.size() > 0) {
      labels.set("window", window);
    }
    JsonNode maturity = spec.path("labels").path("maturity");
    if (maturity.isObject()) {
      labels.set("maturity", durations((ObjectNode) maturity.deepCopy()));
    }
    dataset.set("labels", labels);
    ObjectNode features = JSON.createObjectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = spec.path("features").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      ObjectNode source = durations(source(f.getValue()));
      if (source.path("aggregations").isObject()) {
        ObjectNode aggregations = JSON.createObjectNode();
        source
            .path("aggregations")
            .properties()
            .forEach(a -> aggregations.set(a.getKey(), durations((ObjectNode) a.getValue())));
        source.set("aggregations", aggregations);
      }
      features.set(f.getKey(), source);
    }
    dataset.set("features", features);
    if (spec.path("split").isObject()) {
      dataset.set("split", withoutNulls((ObjectNode) spec.path("split").deepCopy()));
    }
    if (spec.path("retention-days").isNumber()) {
      dataset.put("retention", spec.path("retention-days").asLong() + "d");
    }
    ObjectNode root = JSON.createObjectNode();
    root.set("dataset", dataset);
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A source block: {@code location} as {@code path} or, for Iceberg, {@code table}. */
  private static ObjectNode source(JsonNode recorded) {
    ObjectNode out = withoutNulls((ObjectNode) recorded.deepCopy());
    JsonNode location = out.remove("location");
    if (location != null) {
      out.set("iceberg".equals(out.path("format").asText()) ? "table" : "path", location);
    }
    return out;
  }

  /** {@code max-age-seconds: "86400"} becomes {@code max-age: "86400s"}. */
  private static ObjectNode durations(ObjectNode node) {
    ObjectNode out = JSON.createObjectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      if (key.endsWith("-seconds") && !e.getValue().isNull()) {
        out.put(key.substring(0, key.length() - "-seconds".length()), e.getValue().asText() + "s");
      } else {
        out.set(key, e.getValue());
      }
    }
    return withoutNulls(out);
  }

  private static ObjectNode withoutNulls(ObjectNode node) {
    node.properties().removeIf(e -> e.getValue().isNull());
    return node;
  }

  private static void copy(JsonNode from, ObjectNode to, String... keys) {
    for (String k : keys) {
      if (from.hasNonNull(k)) {
        to.set(k, from.get(k));
      }
    }
  }

  private static void copyAs(JsonNode from, ObjectNode to, String key, String as) {
    if (from.hasNonNull(key)) {
      to.set(as, from.get(key));
    }
  }
}
