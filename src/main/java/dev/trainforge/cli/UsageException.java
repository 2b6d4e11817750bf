package dev.trainforge.cli;

import dev.trainforge.ExitCode;
import dev.trainforge.TrainforgeException;

/** The command line asks for something that cannot be done, found before any work. Exit 2. */
final class UsageException extends TrainforgeException {
  UsageException(String message) {
    super(message);
  }

  @Override
  public ExitCode exitCode() {
    return ExitCode.USAGE_OR_CONFIG;
  }
}
