package io.capkit.cli;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.simple.SimpleServiceProvider;
import org.slf4j.spi.LoggingEventBuilder;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * slf4j-simple, configured when a message is first logged instead of when the first logger is made: bin/capkit names
 * it ({@code -Dslf4j.provider}) for {@code validate}, where networknt makes its loggers while the contract schema is
 * compiled but a run that goes well logs nothing. Configuring slf4j-simple reads {@code simplelogger.properties}
 * through the class path (the JDK's module image, then the first jar: a {@code jar:} URL connection), ~4 ms of a
 * one-file validate. Every logger this provider hands out delegates each call, {@code isXxxEnabled} included, to the
 * slf4j-simple logger of the same name, made (and slf4j-simple configured, from the same file and system properties)
 * at that logger's first call: what is logged, where and how is slf4j-simple's, unchanged.
 */
public final class DeferredSimpleLogging implements SLF4JServiceProvider {
  private final ILoggerFactory loggers = DeferredLogger::new;
  // Its constructor makes only its marker factory and MDC adapter (slf4j asks for the adapter before initialize);
  // its initialize() makes the logger factory, which configures slf4j-simple.
  private final SimpleServiceProvider simple = new SimpleServiceProvider();
  private volatile ILoggerFactory simpleLoggers;

  /** slf4j-simple's logger factory, made (and slf4j-simple configured) on first need, once. */
  ILoggerFactory simpleLoggers() {
    ILoggerFactory f = simpleLoggers;
    if (f == null) {
      synchronized (this) {
        f = simpleLoggers;
        if (f == null) {
          simple.initialize();
          f = simple.getLoggerFactory();
          simpleLoggers = f;
        }
      }
    }
    return f;
  }

  /** Whether slf4j-simple has been configured yet (for tests). */
  boolean configured() {
    return simpleLoggers != null;
  }

  @Override
  public ILoggerFactory getLoggerFactory() {
    return loggers;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return simple.getMarkerFactory();
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return simple.getMDCAdapter();
  }

  @Override
  public String getRequestedApiVersion() {
    return SimpleServiceProvider.REQUESTED_API_VERSION;
  }

  @Override
  public void initialize() {
    // Nothing until a logger is used.
  }

  /** A logger that makes its slf4j-simple logger at its first call and passes every call to it. */
  final class DeferredLogger implements Logger {
    private final String name;
    private volatile Logger delegate;

    DeferredLogger(String name) {
      this.name = name;
    }

    Logger delegate() {
      Logger d = delegate;
      if (d == null) {
        d = simpleLoggers().getLogger(name);
        delegate = d;
      }
      return d;
    }

    @Override
    public String getName() {
      return name;
    }

    @Override
    public LoggingEventBuilder makeLoggingEventBuilder(Level level) {
      return delegate().makeLoggingEventBuilder(level);
    }

    @Override
    public LoggingEventBuilder atLevel(Level level) {
      return delegate().atLevel(level);
    }

    @Override
    public boolean isEnabledForLevel(Level level) {
      return delegate().isEnabledForLevel(level);
    }

    @Override
    public boolean isTraceEnabled() {
      return delegate().isTraceEnabled();
    }

    @Override
    public void trace(String msg) {
      delegate().trace(msg);
    }

    @Override
    public void trace(String msg, Object arg) {
      delegate().trace(msg, arg);
    }

    @Override
    public void trace(String msg, Object arg1, Object arg2) {
      delegate().trace(msg, arg1, arg2);
    }

    @Override
    public void trace(String msg, Object... arguments) {
      delegate().trace(msg, arguments);
    }

    @Override
    public void trace(String msg, Throwable t) {
      delegate().trace(msg, t);
    }

    @Override
    public boolean isTraceEnabled(Marker marker) {
      return delegate().isTraceEnabled(marker);
    }

    @Override
    public LoggingEventBuilder atTrace() {
      return delegate().atTrace();
    }

    @Override
    public void trace(Marker marker, String msg) {
      delegate().trace(marker, msg);
    }

    @Override
    public void trace(Marker marker, String msg, Object arg) {
      delegate().trace(marker, msg, arg);
    }

    @Override
    public void trace(Marker marker, String msg, Object arg1, Object arg2) {
      delegate().trace(marker, msg, arg1, arg2);
    }

    @Override
    public void trace(Marker marker, String msg, Object... arguments) {
      delegate().trace(marker, msg, arguments);
    }

    @Override
    public void trace(Marker marker, String msg, Throwable t) {
      delegate().trace(marker, msg, t);
    }

    @Override
    public boolean isDebugEnabled() {
      return delegate().isDebugEnabled();
    }

    @Override
    public void debug(String msg) {
      delegate().debug(msg);
    }

    @Override
    public void debug(String msg, Object arg) {
      delegate().debug(msg, arg);
    }

    @Override
    public void debug(String msg, Object arg1, Object arg2) {
      delegate().debug(msg, arg1, arg2);
    }

    @Override
    public void debug(String msg, Object... arguments) {
      delegate().debug(msg, arguments);
    }

    @Override
    public void debug(String msg, Throwable t) {
      delegate().debug(msg, t);
    }

    @Override
    public boolean isDebugEnabled(Marker marker) {
      return delegate().isDebugEnabled(marker);
    }

    @Override
    public void debug(Marker marker, String msg) {
      delegate().debug(marker, msg);
    }

    @Override
    public void debug(Marker marker, String msg, Object arg) {
      delegate().debug(marker, msg, arg);
    }

    @Override
    public void debug(Marker marker, String msg, Object arg1, Object arg2) {
      delegate().debug(marker, msg, arg1, arg2);
    }

    @Override
    public void debug(Marker marker, String msg, Object... arguments) {
      delegate().debug(marker, msg, arguments);
    }

    @Override
    public void debug(Marker marker, String msg, Throwable t) {
      delegate().debug(marker, msg, t);
    }

    @Override
    public LoggingEventBuilder atDebug() {
      return delegate().atDebug();
    }

    @Override
    public boolean isInfoEnabled() {
      return delegate().isInfoEnabled();
    }

    @Override
    public void info(String msg) {
      delegate().info(msg);
    }

    @Override
    public void info(String msg, Object arg) {
      delegate().info(msg, arg);
    }

    @Override
    public void info(String msg, Object arg1, Object arg2) {
      delegate().info(msg, arg1, arg2);
    }

    @Override
    public void info(String msg, Object... arguments) {
      delegate().info(msg, arguments);
    }

    @Override
    public void info(String msg, Throwable t) {
      delegate().info(msg, t);
    }

    @Override
    public boolean isInfoEnabled(Marker marker) {
      return delegate().isInfoEnabled(marker);
    }

    @Override
    public void info(Marker marker, String msg) {
      delegate().info(marker, msg);
    }

    @Override
    public void info(Marker marker, String msg, Object arg) {
      delegate().info(marker, msg, arg);
    }

    @Override
    public void info(Marker marker, String msg, Object arg1, Object arg2) {
      delegate().info(marker, msg, arg1, arg2);
    }

    @Override
    public void info(Marker marker, String msg, Object... arguments) {
      delegate().info(marker, msg, arguments);
    }

    @Override
    public void info(Marker marker, String msg, Throwable t) {
      delegate().info(marker, msg, t);
    }

    @Override
    public LoggingEventBuilder atInfo() {
      return delegate().atInfo();
    }

    @Override
    public boolean isWarnEnabled() {
      return delegate().isWarnEnabled();
    }

    @Override
    public void warn(String msg) {
      delegate().warn(msg);
    }

    @Override
    public void warn(String msg, Object arg) {
      delegate().warn(msg, arg);
    }

    @Override
    public void warn(String msg, Object... arguments) {
      delegate().warn(msg, arguments);
    }

    @Override
    public void warn(String msg, Object arg1, Object arg2) {
      delegate().warn(msg, arg1, arg2);
    }

    @Override
    public void warn(String msg, Throwable t) {
      delegate().warn(msg, t);
    }

    @Override
    public boolean isWarnEnabled(Marker marker) {
      return delegate().isWarnEnabled(marker);
    }

    @Override
    public void warn(Marker marker, String msg) {
      delegate().warn(marker, msg);
    }

    @Override
    public void warn(Marker marker, String msg, Object arg) {
      delegate().warn(marker, msg, arg);
    }

    @Override
    public void warn(Marker marker, String msg, Object arg1, Object arg2) {
      delegate().warn(marker, msg, arg1, arg2);
    }

    @Override
    public void warn(Marker marker, String msg, Object... arguments) {
      delegate().warn(marker, msg, arguments);
    }

    @Override
    public void warn(Marker marker, String msg, Throwable t) {
      delegate().warn(marker, msg, t);
    }

    @Override
    public LoggingEventBuilder atWarn() {
      return delegate().atWarn();
    }

    @Override
    public boolean isErrorEnabled() {
      return delegate().isErrorEnabled();
    }

    @Override
    public void error(String msg) {
      delegate().error(msg);
    }

    @Override
    public void error(String msg, Object arg) {
      delegate().error(msg, arg);
    }

    @Override
    public void error(String msg, Object arg1, Object arg2) {
      delegate().error(msg, arg1, arg2);
    }

    @Override
    public void error(String msg, Object... arguments) {
      delegate().error(msg, arguments);
    }

    @Override
    public void error(String msg, Throwable t) {
      delegate().error(msg, t);
    }

    @Override
    public boolean isErrorEnabled(Marker marker) {
      return delegate().isErrorEnabled(marker);
    }

    @Override
    public void error(Marker marker, String msg) {
      delegate().error(marker, msg);
    }

    @Override
    public void error(Marker marker, String msg, Object arg) {
      delegate().error(marker, msg, arg);
    }

    @Override
    public void error(Marker marker, String msg, Object arg1, Object arg2) {
      delegate().error(marker, msg, arg1, arg2);
    }

    @Override
    public void error(Marker marker, String msg, Object... arguments) {
      delegate().error(marker, msg, arguments);
    }

    @Override
    public void error(Marker marker, String msg, Throwable t) {
      delegate().error(marker, msg, t);
    }

    @Override
    public LoggingEventBuilder atError() {
      return delegate().atError();
    }
  }
}
