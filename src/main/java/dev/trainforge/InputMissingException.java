package dev.trainforge;

/** An input the build needs does not exist: a path, a table or a partition. Exit code 4. */
public final class InputMissingException extends TrainforgeException {
  public InputMissingException(String message) {
    super(message);
  }

  @Override
  public ExitCode exitCode() {
    return ExitCode.INPUT_MISSING;
  }
}
