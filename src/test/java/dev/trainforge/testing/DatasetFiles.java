package dev.trainforge.testing;

import java.nio.file.Path;

/** Pieces of the dataset files that tests write. */
public final class DatasetFiles {
  private DatasetFiles() {}

  /**
   * The {@code trainforge.catalog} lines of a dataset file for the catalog named {@code name} that
   * {@link SharedSpark#freshCatalog} made under {@code catalogDir}.
   */
  public static String catalogLines(String name, Path catalogDir) {
    return String.join(
        "\n",
        "trainforge.catalog.name = " + name,
        "trainforge.catalog.uri = \"jdbc:sqlite:" + catalogDir.resolve("catalog.db") + "\"",
        "trainforge.catalog.warehouse = \"" + catalogDir.resolve("warehouse") + "\"");
  }

  /**
   * A dataset file of {@code name} {@code version} in the catalog {@link #catalogLines} gives:
   * labels at {@code labels} (id {@code id}, time {@code ts}, key {@code user}, label column {@code
   * label}) and one source {@code f} at {@code features} (key {@code user}, event time {@code e},
   * the feature {@code columns}, as a HOCON list such as {@code [v, channel]}).
   */
  public static String oneSource(
      String catalog,
      Path catalogDir,
      String name,
      String version,
      Path labels,
      Path features,
      String columns) {
    return String.join(
        "\n",
        catalogLines(catalog, catalogDir),
        "dataset {",
        "  name = " + name,
        "  version = \"" + version + "\"",
        "  labels {",
        "    path = \"" + labels + "\"",
        "    id-column = id",
        "    time-column = ts",
        "    key-columns = [user]",
        "    label-columns = [label]",
        "  }",
        "  features.f {",
        "    path = \"" + features + "\"",
        "    keys { user = user }",
        "    event-time-column = e",
        "    columns = " + columns,
        "  }",
        "}");
  }
}
