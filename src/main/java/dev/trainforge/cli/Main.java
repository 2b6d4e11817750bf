package dev.trainforge.cli;

import dev.trainforge.ExitCode;
import dev.trainforge.TrainforgeException;
import dev.trainforge.version.CodeVersion;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code trainforge} command line: subcommands, help, and exit codes. */
@Command(
    name = "trainforge",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Builds point-in-time correct, versioned training datasets on Spark and Iceberg.",
    subcommands = {
      GenerateCommand.class,
      ListCommand.class,
      ShowCommand.class,
      DiffCommand.class,
      ExportCommand.class,
      VerifyCommand.class,
      RebuildCommand.class,
      SampleDataCommand.class,
      CommandLine.HelpCommand.class
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

  /** The command line, for running commands in-process (the tests, and the integration tests). */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    Map<String, String> codes = new LinkedHashMap<>();
    for (ExitCode code : ExitCode.values()) {
      codes.put(String.valueOf(code.code()), code.meaning());
    }
    List<CommandLine> withExitCodes = new ArrayList<>(List.of(cli));
    for (String name : List.of("generate", "list", "show", "diff", "export", "verify", "rebuild")) {
      withExitCodes.add(cli.getSubcommands().get(name));
    }
    for (CommandLine c : withExitCodes) {
      c.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(codes);
    }
    cli.setExecutionExceptionHandler(Main::handle);
    // picocli also asks this mapper for the exit code of a command line it cannot parse (a missing
    // --config, a misspelt command, an unknown option): that is a usage error, exit 2, not 1.
    cli.setExitCodeExceptionMapper(Main::exitCode);
    return cli;
  }

  static int exitCode(Throwable t) {
    if (t instanceof TrainforgeException e) {
      return e.exitCode().code();
    }
    if (t instanceof CommandLine.ParameterException) {
      return ExitCode.USAGE_OR_CONFIG.code();
    }
    return ExitCode.UNEXPECTED.code();
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
