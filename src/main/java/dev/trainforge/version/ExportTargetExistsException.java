package dev.trainforge.version;

import dev.trainforge.ExitCode;
import dev.trainforge.TrainforgeException;

/** An export would overwrite existing data without {@code --overwrite}. Exit code 2. */
public final class ExportTargetExistsException extends TrainforgeException {
  public ExportTargetExistsException(String message) {
    super(message);
  }

  @Override
  public ExitCode exitCode() {
    return ExitCode.USAGE_OR_CONFIG;
  }
}
