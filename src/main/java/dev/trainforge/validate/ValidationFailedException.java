package dev.trainforge.validate;

import dev.trainforge.ExitCode;
import dev.trainforge.TrainforgeException;

/** The gate failed: nothing was published; exit code 3. */
public final class ValidationFailedException extends TrainforgeException {
  public ValidationFailedException(String message) {
    super(message);
  }

  @Override
  public ExitCode exitCode() {
    return ExitCode.VALIDATION_FAILED;
  }
}
