package dev.trainforge.spark;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Work, usually Spark jobs, run in a thread of its own beside the caller's work. The caller creates
 * the thread, so it inherits the caller's Spark local properties: its jobs carry the job
 * description that labels the build's phase. Worth it where the work is mostly the driver's, or
 * waits, as a Delta table's cold log replay beside the label scan does: the stages of two jobs run
 * in the order they were submitted (FIFO), so two jobs of many tasks overlap only in their tails.
 *
 * @param <T> what the work returns
 */
public final class Beside<T> {
  private final CompletableFuture<T> result = new CompletableFuture<>();

  private Beside() {}

  /** Starts {@code work} in a daemon thread named {@code name}. */
  public static <T> Beside<T> start(String name, Supplier<T> work) {
    requireNonNull(work, "work is null");
    Beside<T> beside = new Beside<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                beside.result.complete(work.get());
              } catch (Throwable e) { // handed to the thread that joins
                beside.result.completeExceptionally(e);
              }
            },
            requireNonNull(name, "name is null"));
    thread.setDaemon(true);
    thread.start();
    return beside;
  }

  /** Waits for the work's result; its failure is thrown as the work threw it. */
  public T join() {
    try {
      return result.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  /**
   * Waits until the work has ended, whatever its outcome, for a caller that is failing already: it
   * leaves no Spark job of its own running, and its own failure is not the one to report.
   */
  public void await() {
    try {
      result.join();
    } catch (CompletionException | CancellationException e) {
      // the caller reports its own failure
    }
  }
}
