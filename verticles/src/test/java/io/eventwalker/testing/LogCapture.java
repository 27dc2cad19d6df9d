package io.eventwalker.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * What the services log while a test runs: every event of the root logger, and those of
 * {@code io.eventwalker} down to DEBUG (so a test can wait for a line logged below the usual level).
 */
public final class LogCapture implements AutoCloseable {

  private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final Logger services = (Logger) LoggerFactory.getLogger("io.eventwalker");
  private final Level servicesLevel = services.getLevel();
  private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
    @Override
    protected void append(ILoggingEvent event) {
      events.add(event);
    }
  };

  public LogCapture() {
    appender.setContext(root.getLoggerContext());
    appender.start();
    root.addAppender(appender);
    services.setLevel(Level.DEBUG);
  }

  public List<ILoggingEvent> events() {
    return List.copyOf(events);
  }

  /** The errors logged so far, one line each: logger, message and the exception's class. */
  public List<String> errors() {
    return events.stream().filter(event -> event.getLevel().isGreaterOrEqual(Level.ERROR))
      .map(event -> event.getLoggerName() + " - " + event.getFormattedMessage()
        + (event.getThrowableProxy() == null ? "" : " (" + event.getThrowableProxy().getClassName() + ")")).toList();
  }

  public boolean any(Predicate<ILoggingEvent> match) {
    return events.stream().anyMatch(match);
  }

  @Override
  public void close() {
    services.setLevel(servicesLevel);
    root.detachAppender(appender);
    appender.stop();
  }
}
