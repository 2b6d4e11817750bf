package dev.trainforge.cli;

import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * An SLF4J provider for the commands that read metadata only ({@code submit.sh} selects it with
 * {@code -Dslf4j.provider}): warnings and errors of Iceberg, Hadoop and the JDBC drivers on stderr,
 * in the pattern of {@code log4j2.properties} ({@code HH:mm:ss LEVEL Logger: message}), without
 * starting Log4j, whose configuration alone costs a noticeable part of such a command's second.
 * Builds, which run Spark, keep Log4j.
 */
public final class WarningsToStderr implements SLF4JServiceProvider {
  private final IMarkerFactory markers = new BasicMarkerFactory();
  private final MDCAdapter mdc = new NOPMDCAdapter();
  private final ILoggerFactory loggers = StderrLogger::new;

  @Override
  public ILoggerFactory getLoggerFactory() {
    return loggers;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }

  @Override
  public void initialize() {}

  /** Warnings and errors of one logger; as log4j2.properties, errors only for a few chatty ones. */
  static final class StderrLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    private final boolean warn;

    StderrLogger(String name) {
      this.name = name;
      this.warn =
          !name.startsWith("org.apache.parquet")
              && !name.equals("org.apache.hadoop.util.NativeCodeLoader");
    }

    @Override
    public boolean isTraceEnabled() {
      return false;
    }

    @Override
    public boolean isDebugEnabled() {
      return false;
    }

    @Override
    public boolean isInfoEnabled() {
      return false;
    }

    @Override
    public boolean isWarnEnabled() {
      return warn;
    }

    @Override
    public boolean isErrorEnabled() {
      return true;
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(
        Level level, Marker marker, String pattern, Object[] args, Throwable error) {
      String shortName = name.substring(name.lastIndexOf('.') + 1);
      String message = MessageFormatter.basicArrayFormat(pattern, args);
      PrintStream err = System.err;
      synchronized (err) {
        err.println(LocalTime.now().format(TIME) + " " + level + " " + shortName + ": " + message);
        if (error != null) {
          error.printStackTrace(err);
        }
      }
    }
  }

  /** A logger, for the tests. */
  static Logger logger(String name) {
    return new StderrLogger(name);
  }
}
