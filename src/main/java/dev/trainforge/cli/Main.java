package dev.trainforge.cli;

import dev.trainforge.ExitCode;
import dev.trainforge.TrainforgeException;
import dev.trainforge.version.CodeVersion;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code trainforge} command line: subcommands, help, and exit codes. */
@Command(
    name = "trainforge",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Builds point-in-time correct, versioned training datasets on Spark and Iceberg.",
    subcommands = {GenerateCommand.class, SampleDataCommand.class, CommandLine.HelpCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:unexpected error (a bug or an infrastructure failure: retrying may help)",
      "2:usage or configuration error (fix the command or the config file)",
      "3:validation failed: nothing was published (see the report)",
      "4:an input is missing (a path, table or partition does not exist)"
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code; never exits the JVM. */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler(Main::handle);
    cli.setExitCodeExceptionMapper(
        t -> t instanceof TrainforgeException e ? e.exitCode().code() : ExitCode.UNEXPECTED.code());
    return cli;
  }

  private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
    PrintWriter err = cli.getErr();
    if (e instanceof TrainforgeException known) {
      err.println(known.getMessage());
      err.flush();
      return known.exitCode().code();
    }
    err.println("Unexpected error: " + e);
    e.printStackTrace(err);
    err.flush();
    return ExitCode.UNEXPECTED.code();
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Prints the code version. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"trainforge " + CodeVersion.get()};
    }
  }
}
