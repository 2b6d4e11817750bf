package dev.trainforge.version;

import dev.trainforge.ExitCode;
import dev.trainforge.TrainforgeException;

/** The requested version is already published; versions are immutable. Exit code 2. */
public final class VersionExistsException extends TrainforgeException {
  public VersionExistsException(String message) {
    super(message);
  }

  @Override
  public ExitCode exitCode() {
    return ExitCode.USAGE_OR_CONFIG;
  }
}
