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
      MainRefCommands.Promote.class,
      MainRefCommands.Rollback.class,
      MainRefCommands.Retract.class,
      RegisterCommand.class,
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
    for (String name :
        List.of(
            "generate",
            "list",
            "show",
            "diff",
            "export",
            "verify",
            "rebuild",
            "promote",
            "rollback",
            "retract",
            "register")) {
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
    String catalog = unusableCatalog(e);
    if (catalog != null) {
      err.println(catalog);
      err.flush();
      return ExitCode.USAGE_OR_CONFIG.code();
    }
    String unreadable = unreadableFile(e);
    if (unreadable != null) {
      err.println(unreadable);
      err.flush();
      return unreadable.contains("expected Spark type")
          ? ExitCode.USAGE_OR_CONFIG.code()
          : ExitCode.INPUT_MISSING.code();
    }
    err.println("Unexpected error: " + e);
    e.printStackTrace(err);
    err.flush();
    return ExitCode.UNEXPECTED.code();
  }

  private static final java.util.regex.Pattern FAILED_READ =
      java.util.regex.Pattern.compile(
          "\\[FAILED_READ_FILE\\.([A-Z_]+)] Encountered error while reading file (\\S+)\\.");

  /**
   * A data file that a Spark task could not read (Spark's FAILED_READ_FILE: damaged, vanished, or
   * of another type), in words, or null for any other failure. A permanent fault of the data is not
   * an unexpected error: it exits 4 (2 for another column type), without a stack trace.
   */
  static String unreadableFile(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof org.apache.iceberg.exceptions.NotFoundException) {
        return "Cannot read a data file of an Iceberg table: "
            + firstLine(t.getMessage())
            + " (a file the table's metadata lists was deleted or moved outside Iceberg: restore it"
            + " from a backup, or rebuild the version)";
      }
      String kind = null;
      String path = null;
      Map<String, String> params = Map.of();
      if (t instanceof org.apache.spark.SparkThrowable st
          && st.getCondition() != null
          && st.getCondition().startsWith("FAILED_READ_FILE")) {
        kind = st.getCondition().substring(st.getCondition().indexOf('.') + 1);
        params = st.getMessageParameters();
        path = params.get("path");
      } else if (t.getMessage() != null) {
        java.util.regex.Matcher m = FAILED_READ.matcher(t.getMessage());
        if (m.find()) {
          kind = m.group(1);
          path = m.group(2);
        }
      }
      if (path == null || kind.equals("UNSUPPORTED_FILE_SYSTEM")) {
        continue;
      }
      String why =
          switch (kind) {
            case "FILE_NOT_EXIST" -> "the file does not exist any more";
            case "PARQUET_COLUMN_DATA_TYPE_MISMATCH" ->
                "column "
                    + params.getOrDefault("column", "?")
                    + ": expected Spark type "
                    + params.getOrDefault("expectedType", "?")
                    + ", actual Parquet type "
                    + params.getOrDefault("actualType", "?");
            default -> "it is damaged: " + rootMessage(t);
          };
      String fix =
          kind.equals("PARQUET_COLUMN_DATA_TYPE_MISMATCH")
              ? "rewrite the file with the source's schema, or cast the column upstream"
              : "rewrite or remove the file upstream, then run again";
      return "Cannot read input file '" + path + "': " + why + " (" + fix + ")";
    }
    return null;
  }

  /**
   * A catalog database that cannot be used as one (a file that is not SQLite, say), in words, or
   * null for any other failure: a configuration fault, exit 2.
   */
  static String unusableCatalog(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null && (m.contains("SQLITE_NOTADB") || m.contains("file is not a database"))) {
        return "Cannot open the catalog: its SQLite file is not a database ("
            + firstLine(m)
            + "; point trainforge.catalog.uri at the catalog.db that builds wrote, or move the"
            + " damaged file away to start an empty catalog, then `register` the tables)";
      }
    }
    return null;
  }

  private static String firstLine(String m) {
    if (m == null) {
      return "";
    }
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Prints the code version. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"trainforge " + CodeVersion.describe()};
    }
  }
}
