package dev.trainforge.testing;

import dev.trainforge.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

/** Runs the command line in this JVM, as {@code submit.sh} would, and keeps what it printed. */
public final class Cli {
  private Cli() {}

  /** A finished command: its exit code, standard output and error output. */
  public record Run(int exitCode, String out, String err) {}

  public static Run run(List<String> args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.commandLine()
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(args.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  public static Run run(String... args) {
    return run(List.of(args));
  }
}
