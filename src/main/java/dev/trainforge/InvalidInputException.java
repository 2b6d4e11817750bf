package dev.trainforge;

/**
 * An input exists but cannot be used as configured: a column is missing or has the wrong type, or
 * values cannot be parsed. Exit code 2, since the fix is in the configuration or upstream data.
 */
public final class InvalidInputException extends TrainforgeException {
  public InvalidInputException(String message) {
    super(message);
  }

  @Override
  public ExitCode exitCode() {
    return ExitCode.USAGE_OR_CONFIG;
  }
}
