package io.eventwalker.betmaker.bets;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.UUID;

/**
 * Bet ids: UUID version 7 (RFC 9562), a millisecond timestamp followed by 74 random bits from a
 * cryptographically secure source, so bets written together sit together in the primary-key index
 * and nobody can guess another's bet id (a bet's address on the bridge is its id).
 */
public final class BetIds {

  private BetIds() {
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  public static UUID next() {
    byte[] bytes = new byte[10];
    RANDOM.nextBytes(bytes);
    ByteBuffer random = ByteBuffer.wrap(bytes);
    long millis = System.currentTimeMillis();
    long msb = (millis << 16) | 0x7000L | (random.getShort() & 0x0FFFL);
    long lsb = (random.getLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb);
  }
}
