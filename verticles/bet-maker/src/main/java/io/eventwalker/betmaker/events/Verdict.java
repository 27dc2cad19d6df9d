package io.eventwalker.betmaker.events;

import io.eventwalker.wire.EventState;

/**
 * What to do with a state line-provider reported of an event, given what bet-maker holds of it
 * (SPEC §3.3, §3.4). line-provider gives each change of an event the next version and never
 * changes a finished event, so a version names one content, and nothing follows a result.
 */
public enum Verdict {
  /** Newer than what bet-maker holds (or bet-maker holds nothing): apply it. */
  APPLY,
  /** The state bet-maker holds, a finished one whose settlement may have been cut short: settle what is left. */
  SETTLE_REST,
  /** The state bet-maker holds: nothing to do. */
  NOTHING,
  /**
   * Older than what bet-maker holds: a late or repeated update message (ignored), or, in a reply
   * (line-provider's current state), a regression to look into: asked again, then a conflict.
   */
  OLDER,
  /**
   * The two sides disagree in a way no delay explains: the same version with other content, a
   * newer version of an event bet-maker holds finished, or a result older than the version
   * bet-maker holds (line-provider restored from a backup and given another result, say). Neither side is trusted; the event takes
   * no bets until line-provider reports a newer state of an open event, or an operator resolves it.
   */
  CONFLICT;

  public static Verdict of(HeldEvent held, EventState reported) {
    if (held == null) {
      return APPLY;
    }
    EventState mine = held.state();
    if (reported.version() > mine.version()) {
      return mine.status().isFinished() ? CONFLICT : APPLY;
    }
    if (reported.version() < mine.version()) {
      // Nothing follows a result at line-provider: holding a later version than its result means bet-maker's is not its.
      return reported.status().isFinished() ? CONFLICT : OLDER;
    }
    if (!sameContent(mine, reported)) {
      return CONFLICT;
    }
    return mine.status().isFinished() && !held.settled() ? SETTLE_REST : NOTHING;
  }

  /** Equal ratio (as a number), deadline and status. */
  static boolean sameContent(EventState a, EventState b) {
    return a.ratio().compareTo(b.ratio()) == 0 && a.deadline().equals(b.deadline()) && a.status() == b.status();
  }
}
