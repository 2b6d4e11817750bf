package dev.trainforge.version;

import dev.trainforge.ExitCode;
import dev.trainforge.TrainforgeException;

/**
 * A version cannot be verified or rebuilt as asked: its tag does not exist, or the config given
 * does not define its rows. Exit code 2.
 */
public final class VersionStateException extends TrainforgeException {
  public VersionStateException(String message) {
    super(message);
  }

  @Override
  public ExitCode exitCode() {
    return ExitCode.USAGE_OR_CONFIG;
  }
}
