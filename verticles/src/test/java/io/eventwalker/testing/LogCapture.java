package io.eventwalker.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What this JVM logs at ERROR while it is open (the services under test run in it), for tests that
 * a client's ordinary comings and goings are not logged as errors.
 */
public final class LogCapture implements AutoCloseable {

  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final List<ILoggingEvent> errors = new CopyOnWriteArrayList<>();
  private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
    @Override
    protected void append(ILoggingEvent event) {
      if (event.getLevel().isGreaterOrEqual(Level.ERROR)) {
        errors.add(event);
      }
    }
  };

  public LogCapture() {
    appender.setContext(root.getLoggerContext());
    appender.start();
    root.addAppender(appender);
  }

  /** The errors logged so far, one line each: logger, message and the exception's class. */
  public List<String> errors() {
    return errors.stream().map(event -> event.getLoggerName() + " - " + event.getFormattedMessage()
      + (event.getThrowableProxy() == null ? "" : " (" + event.getThrowableProxy().getClassName() + ")")).toList();
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
  }
}
