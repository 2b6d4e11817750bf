package dev.trainforge.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What changed between two recorded dataset specs ({@link CanonicalJson}), key by key, in the words
 * of the dataset file: {@code features.user_auth.max-age 1d -> 2d}, {@code + split.by time}, {@code
 * - labels.window-end 2026-03-01T00:00:00Z}. Durations recorded in seconds are shown in the largest
 * whole unit. Pure; costs a parse of both documents.
 */
public final class ConfigDiff {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECONDS = "-seconds";

  private ConfigDiff() {}

  /** One line per key that differs, in key order; empty when the specs are equal. */
  public static List<String> between(String before, String after) {
    Map<String, String> a = flatten(before);
    Map<String, String> b = flatten(after);
    TreeMap<String, Boolean> keys = new TreeMap<>();
    a.keySet().forEach(k -> keys.put(k, true));
    b.keySet().forEach(k -> keys.put(k, true));
    List<String> out = new ArrayList<>();
    for (String key : keys.keySet()) {
      String x = a.get(key);
      String y = b.get(key);
      if (x == null && y != null) {
        out.add("+ " + key + " " + y);
      } else if (x != null && y == null) {
        out.add("- " + key + " " + x);
      } else if (x != null && !x.equals(y)) {
        out.add(key + " " + x + " -> " + y);
      }
    }
    return out;
  }

  /** Every leaf as {@code dotted.key -> rendered value}; null values are left out. */
  private static Map<String, String> flatten(String json) {
    Map<String, String> out = new TreeMap<>();
    if (json == null || json.isBlank()) {
      return out;
    }
    try {
      flatten("", JSON.readTree(json), out);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Not a recorded config: " + e.getOriginalMessage(), e);
    }
    return out;
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
    if (node.isObject() && node.size() > 0) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
      }
    } else if (!node.isNull()) {
      if (prefix.endsWith(SECONDS) && (node.isNumber() || node.isTextual())) {
        out.put(prefix.substring(0, prefix.length() - SECONDS.length()), duration(node.asText()));
      } else {
        out.put(prefix, node.isTextual() ? node.asText() : node.toString());
      }
    }
  }

  /** Seconds in the largest unit that divides them: 86400 is 1d, 5400 is 90m, 1.5 is 1.5s. */
  static String duration(String seconds) {
    BigDecimal s = new BigDecimal(seconds);
    long[] sizes = {86_400, 3_600, 60};
    String[] units = {"d", "h", "m"};
    for (int i = 0; i < sizes.length; i++) {
      BigDecimal[] qr = s.divideAndRemainder(BigDecimal.valueOf(sizes[i]));
      if (s.signum() != 0 && qr[1].signum() == 0) {
        return qr[0].toPlainString() + units[i];
      }
    }
    return s.stripTrailingZeros().toPlainString() + "s";
  }
}
