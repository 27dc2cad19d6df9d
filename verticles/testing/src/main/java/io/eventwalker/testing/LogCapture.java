package io.eventwalker.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * What the services log while a test runs: every event of the root logger, and those of
 * {@code io.eventwalker} down to DEBUG (so a test can wait for a line logged below the usual level).
 */
public final class LogCapture implements AutoCloseable {

  /** The log configuration of the fat jar, as the services run in production. */
  private static final Path PRODUCTION = ProjectFiles.path("launcher", "src", "main", "resources", "logback.xml");

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

  /** The levels this capture changed, and what they were before. */
  private final Map<Logger, Level> changed = new LinkedHashMap<>();

  public LogCapture() {
    appender.setContext(root.getLoggerContext());
    appender.start();
    root.addAppender(appender);
    services.setLevel(Level.DEBUG);
  }

  /**
   * A capture with the libraries' loggers at the levels the fat jar gives them
   * ({@code launcher/src/main/resources/logback.xml}), so that every WARN and ERROR the services
   * would log in production is seen here (the tests' own configuration keeps some libraries quieter).
   */
  public static LogCapture asInProduction() {
    LogCapture capture = new LogCapture();
    try {
      NodeList loggers = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(PRODUCTION.toFile())
        .getElementsByTagName("logger");
      for (int i = 0; i < loggers.getLength(); i++) {
        Element logger = (Element) loggers.item(i);
        Logger named = (Logger) LoggerFactory.getLogger(logger.getAttribute("name"));
        capture.changed.put(named, named.getLevel());
        named.setLevel(Level.toLevel(logger.getAttribute("level")));
      }
    } catch (Exception e) {
      capture.close();
      throw new AssertionError("cannot read the production log configuration " + PRODUCTION.toAbsolutePath(), e);
    }
    return capture;
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

  /** The warnings and errors logged so far, one line each: level, logger, message and the exception's class and message. */
  public List<String> warningsAndErrors() {
    return events.stream().filter(event -> event.getLevel().isGreaterOrEqual(Level.WARN))
      .map(event -> event.getLevel() + " " + event.getLoggerName() + " - " + event.getFormattedMessage()
        + (event.getThrowableProxy() == null ? ""
          : " (" + event.getThrowableProxy().getClassName() + ": " + event.getThrowableProxy().getMessage() + ")")).toList();
  }

  public boolean any(Predicate<ILoggingEvent> match) {
    return events.stream().anyMatch(match);
  }

  @Override
  public void close() {
    changed.forEach(Logger::setLevel);
    services.setLevel(servicesLevel);
    root.detachAppender(appender);
    appender.stop();
  }
}
