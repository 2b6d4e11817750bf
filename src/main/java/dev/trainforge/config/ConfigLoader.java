package dev.trainforge.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigResolver;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import dev.trainforge.text.Sha256;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Loads a dataset file into a checked {@link BuildConfig}: the file, then {@code --set} overrides
 * on top, with {@code reference.conf} as the defaults (the only place they are written) and
 * environment variables for {@code ${?VAR}} lines. Every check that needs no data runs here, before
 * Spark starts, and every problem found is reported at once. The sections are read by their own
 * readers: {@link SettingsReader} ({@code trainforge.*}), and under {@link DatasetReader} the
 * {@link LabelsReader}, {@link SourcesReader}, {@link SplitReader} and {@link ValidationReader}.
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  /** Loads and checks {@code file} with {@code overrides} of the form {@code key=value}. */
  public static BuildConfig load(Path file, List<String> overrides) {
    return load(file, overrides, System.getenv());
  }

  /** Like {@link #load(Path, List)}, with {@code environment} for the {@code ${?VAR}} lines. */
  static BuildConfig load(Path file, List<String> overrides, Map<String, String> environment) {
    Config user = overrides(overrides).withFallback(parseFile(file));
    ConfigReader reader = reader(user, file.toString(), environment);
    AppSettings settings = SettingsReader.read(reader);
    DatasetSpec dataset = DatasetReader.read(reader);
    List<String> problems = new ArrayList<>(reader.problems());
    problems.addAll(CatalogReader.passwordOutsideTheEnvironment(user, reader));
    if (problems.isEmpty()) {
      problems.addAll(DatasetReader.outputCollisions(dataset, file.toString()));
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new BuildConfig(
        dataset,
        settings,
        file.toString(),
        CanonicalJson.of(dataset),
        Sha256.hex(CanonicalJson.definition(dataset)));
  }

  /**
   * The tool's settings alone, for commands that read a published table without a dataset file:
   * {@code reference.conf} with {@code overrides} ({@code trainforge.*} keys) on top.
   */
  public static AppSettings settings(List<String> overrides) {
    return settings(overrides, System.getenv());
  }

  /** Like {@link #settings(List)}, with {@code environment} for the {@code ${?VAR}} lines. */
  static AppSettings settings(List<String> overrides, Map<String, String> environment) {
    Config user = overrides(overrides);
    ConfigReader reader = reader(user, "--set", environment);
    AppSettings settings = SettingsReader.read(reader);
    List<String> problems = new ArrayList<>(reader.problems());
    problems.addAll(CatalogReader.passwordOutsideTheEnvironment(user, reader));
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return settings;
  }

  /**
   * A reader of {@code user} (the dataset file and the overrides) over {@code reference.conf},
   * resolved with {@code environment}; its problems start with the keys reference.conf does not
   * define. The section readers read from it.
   */
  static ConfigReader reader(Config user, String file, Map<String, String> environment) {
    ConfigResolveOptions options = options(environment);
    Config reference = reference();
    Config merged = resolve(user.withFallback(reference), file, options);
    // The defaults: reference.conf resolved on its own, for keys the user set to null.
    ConfigReader reader = new ConfigReader(merged, reference.resolve(options), file);
    UnknownKeys.in(merged, reference).forEach(reader::problem);
    return reader;
  }

  static Config reference() {
    return ConfigFactory.parseResourcesAnySyntax(
        ConfigLoader.class.getClassLoader(),
        "reference",
        ConfigParseOptions.defaults().setAllowMissing(false));
  }

  private static Config parseFile(Path file) {
    File f = file.toFile();
    if (!f.isFile()) {
      throw new ConfigException(
          "cannot read config file '"
              + file
              + "': no such file (pass --config with the path of a dataset file, e.g."
              + " conf/datasets/card_fraud.conf)");
    }
    Config parsed;
    try {
      parsed = ConfigFactory.parseFile(f, ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException("cannot parse config file '" + file + "': " + e.getMessage());
    }
    List<String> duplicates = duplicateBlocks(file);
    if (!duplicates.isEmpty()) {
      throw new ConfigException(duplicates);
    }
    return parsed;
  }

  /**
   * A feature source (or the labels) written as two blocks in one file: HOCON merges them into one
   * without a word, key by key, so a copied block silently changes another source. Refused, with
   * the line of every block.
   */
  static List<String> duplicateBlocks(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException | UncheckedIOException e) {
      return List.of(); // the parser has read it; nothing more to say here
    }
    List<String> problems = new ArrayList<>();
    HoconBlocks.duplicates(text)
        .forEach(
            (path, lines) -> {
              String what;
              if (path.equals("dataset.labels")) {
                what = "the labels block (dataset.labels)";
              } else if (path.startsWith("dataset.features.")
                  && path.indexOf('.', "dataset.features.".length()) < 0) {
                what =
                    "feature source '"
                        + path.substring("dataset.features.".length())
                        + "' ("
                        + path
                        + ")";
              } else {
                return;
              }
              List<String> places = new ArrayList<>();
              lines.forEach(l -> places.add(file + ":" + l));
              problems.add(
                  Problem.of(
                      String.join(" and ", places),
                      what
                          + " is written "
                          + (lines.size() == 2 ? "twice" : lines.size() + " times")
                          + " in one file; HOCON would merge the blocks silently, key by key, the"
                          + " later value winning",
                      "keep one block, or give each source a name of its own"));
            });
    return problems;
  }

  private static Config overrides(List<String> overrides) {
    Config result = ConfigFactory.empty();
    for (String override : overrides) {
      int eq = override.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException(
            "--set '" + override + "' is not key=value (e.g. --set dataset.version=2)");
      }
      String key = override.substring(0, eq).trim();
      String value = override.substring(eq + 1);
      String trimmed = value.strip();
      boolean structured = !trimmed.isEmpty() && "\"{[".indexOf(trimmed.charAt(0)) >= 0;
      if (!structured && (trimmed.contains("//") || trimmed.contains("#"))) {
        // Unquoted, HOCON would read "//" or "#" as the start of a comment and silently cut
        // s3a://bucket/path to "s3a:". A comment is never meant on the command line.
        value = ConfigUtil.quoteString(trimmed);
      }
      Config one;
      try {
        one = parseOverride(key, value, override);
      } catch (com.typesafe.config.ConfigException e) {
        if (structured) {
          throw unparsable(override, e);
        }
        // A plain value HOCON cannot read unquoted, such as 2026-01-05T00:00:00Z: a string.
        try {
          one = parseOverride(key, ConfigUtil.quoteString(trimmed), override);
        } catch (com.typesafe.config.ConfigException again) {
          throw unparsable(override, e);
        }
      }
      result = one.withFallback(result);
    }
    return result;
  }

  private static ConfigException unparsable(
      String override, com.typesafe.config.ConfigException e) {
    return new ConfigException(
        "--set '" + override + "' cannot be parsed: " + e.getMessage() + " (quote the value)");
  }

  private static Config parseOverride(String key, String value, String override) {
    return ConfigFactory.parseString(
        key + " = " + value,
        ConfigParseOptions.defaults().setOriginDescription("--set " + override));
  }

  /**
   * {@code ${?VAR}} lines read {@code environment} (the process's, but for tests), never anything
   * else.
   */
  private static ConfigResolveOptions options(Map<String, String> environment) {
    return ConfigResolveOptions.defaults()
        .setUseSystemEnvironment(false)
        .appendResolver(new Environment(Map.copyOf(environment)));
  }

  private static Config resolve(Config config, String file, ConfigResolveOptions options) {
    try {
      return config.resolve(options);
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException(
          "cannot resolve '" + file + "': " + e.getMessage() + " (define it or set the variable)");
    }
  }

  /** Environment variables as values for {@code ${?VAR}} substitutions. */
  private record Environment(Map<String, String> variables) implements ConfigResolver {
    @Override
    public ConfigValue lookup(String path) {
      String value = variables.get(path);
      // The origin typesafe gives the process's variables: messages place a value there.
      return value == null ? null : ConfigValueFactory.fromAnyRef(value, "env variables");
    }

    @Override
    public ConfigResolver withFallback(ConfigResolver fallback) {
      return new Fallback(this, fallback);
    }
  }

  /** {@code first}, then {@code then} for what {@code first} does not know. */
  private record Fallback(ConfigResolver first, ConfigResolver then) implements ConfigResolver {
    @Override
    public ConfigValue lookup(String path) {
      ConfigValue value = first.lookup(path);
      return value != null ? value : then.lookup(path);
    }

    @Override
    public ConfigResolver withFallback(ConfigResolver fallback) {
      return new Fallback(this, fallback);
    }
  }
}
