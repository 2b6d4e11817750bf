package dev.trainforge.version;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Why, by whom and when a version was promoted, rolled back to or retracted: recorded as a table
 * property in the same metadata commit that moves {@code main}.
 *
 * @param action {@code promote}, {@code rollback} or {@code retract}
 * @param tag the version acted on
 * @param reason the reason given (required)
 * @param by who ran the command ({@code user@host})
 * @param at when
 */
public record RefNote(String action, String tag, String reason, String by, Instant at) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public RefNote {
    requireNonNull(action, "action is null");
    requireNonNull(tag, "tag is null");
    requireNonNull(reason, "reason is null");
    if (reason.isBlank()) {
      throw new IllegalArgumentException("reason is blank");
    }
    requireNonNull(by, "by is null");
    requireNonNull(at, "at is null");
  }

  /** A note by the user running this process, now. */
  static RefNote now(String action, String tag, String reason) {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      host = "unknown-host";
    }
    return new RefNote(
        action,
        tag,
        reason,
        System.getProperty("user.name") + "@" + host,
        Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
  }

  String toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("action", action);
    m.put("tag", tag);
    m.put("reason", reason);
    m.put("by", by);
    m.put("at", at.toString());
    try {
      return JSON.writeValueAsString(m);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static RefNote parse(String json) {
    try {
      Map<?, ?> m = JSON.readValue(json, Map.class);
      return new RefNote(
          (String) m.get("action"),
          (String) m.get("tag"),
          (String) m.get("reason"),
          (String) m.get("by"),
          Instant.parse((String) m.get("at")));
    } catch (JsonProcessingException | RuntimeException e) {
      throw new IllegalStateException("Unreadable note on a version: " + json, e);
    }
  }

  /** One line: {@code retracted 2026-12-02T07:30:00Z by alice@host: the labels were wrong}. */
  public String describe() {
    String verb =
        switch (action) {
          case "promote" -> "promoted";
          case "rollback" -> "rolled back to";
          case "retract" -> "retracted";
          default -> action;
        };
    return verb + " " + at + " by " + by + ": " + reason;
  }
}
