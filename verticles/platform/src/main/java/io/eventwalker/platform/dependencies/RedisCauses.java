package io.eventwalker.platform.dependencies;

/**
 * Why Redis could not be reached or used: the network, or Redis refusing the client (a password
 * it wants and was not given, or a wrong one) or saying it is not ready.
 */
final class RedisCauses {

  private RedisCauses() {
  }

  static Diagnosis diagnose(Dependency redis, Throwable failure) {
    Diagnosis network = NetworkCauses.diagnose(redis, failure, "REDIS_URL is right", "REDIS_TIMEOUT_MS");
    if (network != null) {
      return network;
    }
    String said = Diagnosis.message(failure);
    if (said.startsWith("NOAUTH") || said.startsWith("WRONGPASS") || said.contains("invalid password")) {
      return Diagnosis.misconfigured("auth_failed", "Redis refused the client (" + said.split("\\.")[0] + ")",
        "give the password in REDIS_URL (redis://:PASSWORD@host:port)");
    }
    if (said.startsWith("LOADING")) {
      return Diagnosis.outage("loading", "Redis is loading its data", "it answers once loaded");
    }
    if (Diagnosis.find(failure, java.util.concurrent.TimeoutException.class) != null
      || said.toLowerCase(java.util.Locale.ROOT).contains("timeout")) {
      return Diagnosis.outage("timeout", "no answer within REDIS_TIMEOUT_MS", "check that Redis runs and is not overloaded");
    }
    return null;
  }
}
