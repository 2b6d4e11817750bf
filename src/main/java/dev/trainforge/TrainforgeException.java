package dev.trainforge;

/**
 * A failure that stops a build before it can publish anything, with the exit code that tells an
 * orchestrator which kind of failure it was. Validation findings are not exceptions: they are data
 * in a report.
 */
public abstract class TrainforgeException extends RuntimeException {
  protected TrainforgeException(String message) {
    super(message);
  }

  protected TrainforgeException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The process exit code for this failure; see {@link ExitCode}. */
  public abstract ExitCode exitCode();
}
