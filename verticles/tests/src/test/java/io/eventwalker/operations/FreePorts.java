package io.eventwalker.operations;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** A port nothing listens on now, for a service that must listen on a port of its own (not 0). */
final class FreePorts {

  private FreePorts() {
  }

  static int one() {
    try (ServerSocket free = new ServerSocket(0)) {
      return free.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
