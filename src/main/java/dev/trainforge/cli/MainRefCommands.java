package dev.trainforge.cli;

import dev.trainforge.config.ConfigException;
import dev.trainforge.version.VersionTable;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The commands that move what consumers of {@code main} read: {@code promote}, {@code rollback},
 * {@code retract}. Each is one metadata commit with a required reason, recorded with who and when;
 * no row is read or written, and no Spark session starts: the commit goes through Iceberg's API (a
 * Spark session of the same JVM that cached the table sees the move after {@code REFRESH TABLE}).
 */
final class MainRefCommands {
  private MainRefCommands() {}

  /** The reason every move needs. */
  static final class Reason {
    @Option(
        names = "--reason",
        required = true,
        paramLabel = "TEXT",
        description = "Why: recorded with who and when, shown by list and show.")
    String reason;

    String text() {
      if (reason.isBlank()) {
        throw new ConfigException(
            "--reason is blank (say why, e.g. --reason \"labels of v7 were wrong\")");
      }
      return reason.strip();
    }
  }

  private static void print(CommandLine cli, VersionTable.Moved moved) {
    PrintWriter out = cli.getOut();
    if (moved.from() != null) {
      out.printf(
          "main -> %s (snapshot %d), was %s; %s%n",
          moved.to().tag(), moved.to().snapshotId(), moved.from(), moved.note().describe());
    } else {
      out.printf("%s: %s; main unchanged%n", moved.note().tag(), moved.note().describe());
    }
    out.flush();
  }

  @Command(
      name = "promote",
      mixinStandardHelpOptions = true,
      description = {
        "Points main at a published version (what readers of the table without a tag get), in one"
            + " metadata commit. A retracted version becomes current again only this way."
      })
  static final class Promote implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin TableOptions table;
    @Mixin Reason reason;

    @Parameters(index = "0", paramLabel = "VERSION", description = "The version: 3 or v3.")
    String version;

    @Override
    public Integer call() {
      try (TableOptions.Versions versions = table.versions()) {
        VersionTable catalog = versions.table();
        print(spec.commandLine(), catalog.promote(catalog.get(version, "promote"), reason.text()));
      }
      return 0;
    }
  }

  @Command(
      name = "rollback",
      mixinStandardHelpOptions = true,
      description = {
        "Points main back at the newest version older than the current one that is not retracted."
      })
  static final class Rollback implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin TableOptions table;
    @Mixin Reason reason;

    @Override
    public Integer call() {
      try (TableOptions.Versions versions = table.versions()) {
        print(spec.commandLine(), versions.table().rollback(reason.text()));
      }
      return 0;
    }
  }

  @Command(
      name = "retract",
      mixinStandardHelpOptions = true,
      description = {
        "Marks a version retracted: still readable by its tag, shown as retracted, never current"
            + " again without promote. If main points at it, main moves back to the newest older"
            + " version that is not retracted, in the same commit."
      })
  static final class Retract implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin TableOptions table;
    @Mixin Reason reason;

    @Parameters(index = "0", paramLabel = "VERSION", description = "The version: 3 or v3.")
    String version;

    @Override
    public Integer call() {
      try (TableOptions.Versions versions = table.versions()) {
        VersionTable catalog = versions.table();
        print(spec.commandLine(), catalog.retract(catalog.get(version, "retract"), reason.text()));
      }
      return 0;
    }
  }
}
