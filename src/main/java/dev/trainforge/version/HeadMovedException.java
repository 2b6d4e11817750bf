package dev.trainforge.version;

import dev.trainforge.ExitCode;
import dev.trainforge.TrainforgeException;

/**
 * Another build of a rolling dataset published while this one ran: this build's version was made on
 * an older head and would drop the days the other one added, so it is not published. A retry builds
 * on the new head. Exit code 1 (retrying helps).
 */
public final class HeadMovedException extends TrainforgeException {
  public HeadMovedException(String message) {
    super(message);
  }

  @Override
  public ExitCode exitCode() {
    return ExitCode.UNEXPECTED;
  }
}
