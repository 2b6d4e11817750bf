package dev.trainforge.config;

import static java.util.Objects.requireNonNull;

import dev.trainforge.ExitCode;
import dev.trainforge.TrainforgeException;
import java.util.List;

/** The configuration cannot be used; every problem found is listed. Exit code 2. */
public final class ConfigException extends TrainforgeException {
  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super(format(problems));
    this.problems = List.copyOf(requireNonNull(problems, "problems is null"));
  }

  public ConfigException(String problem) {
    this(List.of(problem));
  }

  /** Each problem: where it is, what is wrong, and how to fix it. */
  public List<String> problems() {
    return problems;
  }

  @Override
  public ExitCode exitCode() {
    return ExitCode.USAGE_OR_CONFIG;
  }

  private static String format(List<String> problems) {
    if (problems.size() == 1) {
      return "Invalid configuration: " + problems.get(0);
    }
    StringBuilder sb =
        new StringBuilder("Invalid configuration (" + problems.size() + " problems):");
    for (String p : problems) {
      sb.append("\n  - ").append(p);
    }
    return sb.toString();
  }
}
