package dev.trainforge.version;

import dev.trainforge.ExitCode;
import dev.trainforge.TrainforgeException;

/** The requested dataset version, or its table, does not exist. Exit code 4 (input missing). */
public final class VersionNotFoundException extends TrainforgeException {
  public VersionNotFoundException(String message) {
    super(message);
  }

  @Override
  public ExitCode exitCode() {
    return ExitCode.INPUT_MISSING;
  }
}
