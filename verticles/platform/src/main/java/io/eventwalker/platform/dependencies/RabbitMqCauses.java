package io.eventwalker.platform.dependencies;

import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.ShutdownSignalException;

/**
 * Why RabbitMQ could not be reached or used: the network, or what the broker said when it closed
 * the connection or channel. A refused login ({@code ACCESS_REFUSED}), an unknown vhost or a user
 * without permissions on it ({@code NOT_ALLOWED}), or an operation the user may not do
 * ({@code 403 ACCESS_REFUSED} on a channel) are configurations to fix, each with
 * {@code bin/rabbitmq-users}, which creates the services' users with their permissions.
 */
final class RabbitMqCauses {

  private RabbitMqCauses() {
  }

  static Diagnosis diagnose(Dependency rabbit, Throwable failure) {
    Diagnosis network = NetworkCauses.diagnose(rabbit, failure, "RABBITMQ_HOST and RABBITMQ_PORT are right", "RABBITMQ_CONNECT_TIMEOUT_MS");
    if (network != null) {
      return network;
    }
    String users = usersCommand(rabbit);
    if (Diagnosis.find(failure, AuthenticationFailureException.class) != null) {
      return Diagnosis.misconfigured("access_refused", "RabbitMQ refused the login of user " + rabbit.user()
          + " (ACCESS_REFUSED): the user does not exist, or its password is not the one in " + rabbit.passwordKey(),
        "run " + users + " (it creates the user with the password in " + rabbit.passwordKey() + "), or set "
          + rabbit.passwordKey() + " to the user's password");
    }
    ShutdownSignalException closed = Diagnosis.find(failure, ShutdownSignalException.class);
    String said = closed != null ? closed.getMessage() : "";
    if (said.contains("NOT_ALLOWED") && said.contains("not found")) {
      return Diagnosis.misconfigured("vhost_missing", "the vhost " + rabbit.scope() + " does not exist (NOT_ALLOWED)",
        "create it (rabbitmqctl add_vhost " + rabbit.scope() + ") and run " + users + ", or set RABBITMQ_VHOST to one that exists");
    }
    if (said.contains("NOT_ALLOWED")) {
      return Diagnosis.misconfigured("vhost_refused", "user " + rabbit.user() + " has no permissions on vhost " + rabbit.scope()
        + " (NOT_ALLOWED)", "run " + users + " (it sets the user's permissions on the vhost)");
    }
    if (said.contains("ACCESS_REFUSED")) {
      return Diagnosis.misconfigured("not_permitted", "user " + rabbit.user() + " may not do what the service needs ("
        + replyText(said) + ")", "run " + users + " (it sets the permissions each service needs)");
    }
    return Diagnosis.outage("unavailable", closed != null ? replyText(said) : Diagnosis.message(failure), "");
  }

  /** The command that fixes users and permissions for this vhost. */
  private static String usersCommand(Dependency rabbit) {
    return rabbit.scope().equals("/") ? "bin/rabbitmq-users" : "RABBITMQ_VHOST=" + rabbit.scope() + " bin/rabbitmq-users";
  }

  /** The broker's reply text out of the client's description of a close ({@code reply-text=...}), or all of it. */
  private static String replyText(String said) {
    int start = said.indexOf("reply-text=");
    if (start < 0) {
      return said;
    }
    int end = said.indexOf(", class-id=", start);
    return said.substring(start + "reply-text=".length(), end < 0 ? said.length() : end);
  }
}
