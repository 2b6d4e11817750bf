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
}
