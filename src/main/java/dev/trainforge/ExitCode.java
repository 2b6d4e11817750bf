package dev.trainforge;

/** Process exit codes, listed in {@code --help}. */
public enum ExitCode {
  OK(0, "success"),
  UNEXPECTED(1, "unexpected error (a bug or an infrastructure failure: retrying may help)"),
  USAGE_OR_CONFIG(2, "usage or configuration error (fix the command or the config file)"),
  VALIDATION_FAILED(
      3,
      "validation failed: nothing was published (see the report); verify, rebuild: the content"
          + " differs from the recorded checksum"),
  INPUT_MISSING(
      4,
      "an input is missing or unreadable (a path, table, partition or file does not exist, or a"
          + " data file is empty, truncated or damaged)");

  private final int code;
  private final String meaning;

  ExitCode(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  public int code() {
    return code;
  }

  public String meaning() {
    return meaning;
  }
}
