package io.eventwalker.betmaker.bets;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * A bet as stored. {@code ratio} is the event's ratio when the bet was accepted, locked in;
 * {@code payout} and {@code settledAt} are null while {@code PENDING}; {@code seq} orders bets by
 * acceptance (newest first in listings).
 */
public record Bet(UUID betId, String playerId, String eventId, BigDecimal sumBet, BigDecimal ratio, BetStatus status,
                  BigDecimal payout, Instant createdAt, Instant settledAt, long seq) {
}
