import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

import java.nio.charset.StandardCharsets;

/**
 * Publishes one persistent message as a given RabbitMQ user, for the fault matrix (run with the fat
 * jar on the classpath: java -cp launcher/target/event-walker.jar faults/Publish.java ...).
 * Arguments: user password exchange routing-key user-id|- body. Prints "confirmed", or "refused: ..."
 * and exits 3 when the broker refuses the message.
 */
public class Publish {
  public static void main(String[] args) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(System.getenv().getOrDefault("RABBITMQ_HOST", "127.0.0.1"));
    factory.setUsername(args[0]);
    factory.setPassword(args[1]);
    try (Connection connection = factory.newConnection("event-walker-faults-publish")) {
      Channel channel = connection.createChannel();
      channel.confirmSelect();
      AMQP.BasicProperties.Builder properties = new AMQP.BasicProperties.Builder().contentType("application/json").deliveryMode(2);
      if (!args[4].equals("-")) {
        properties.userId(args[4]);
      }
      channel.basicPublish(args[2], args[3], properties.build(), args[5].getBytes(StandardCharsets.UTF_8));
      channel.waitForConfirmsOrDie(10_000);
      System.out.println("confirmed");
    } catch (Exception e) {
      System.out.println("refused: " + e);
      System.exit(3);
    }
  }
}
