package io.eventwalker.betmaker;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Bet ids: UUID version 7 (RFC 9562), a millisecond timestamp followed by random bits, so bets
 * written together sit together in the primary-key index.
 */
final class BetIds {

  private BetIds() {
  }

  static UUID next() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long millis = System.currentTimeMillis();
    long msb = (millis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
    long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb);
  }
}
