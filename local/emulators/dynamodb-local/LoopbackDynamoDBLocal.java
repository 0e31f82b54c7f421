/*
 * AWS's DynamoDB Local, started the way the offline platform needs it (local/dynamodb-local/jvm.ts):
 *
 * - on 127.0.0.1 and a free port: DynamoDB Local's own launcher listens on every interface and
 *   has no option for the address; the platform's Node proxy is the only public door;
 * - ended with the process that started it: when its standard input (a pipe from Node) closes,
 *   as it does when Node exits, crashes or is killed with SIGKILL, this JVM exits too.
 *
 * Takes DynamoDB Local's own options (-inMemory, -dbPath, -cors, -disableTelemetry), but not
 * -port, and prints "listening on 127.0.0.1:<port>" once it answers.
 */
import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

public final class LoopbackDynamoDBLocal {
  public static void main(String[] args) throws Exception {
    Thread watchdog = new Thread(() -> {
      try {
        while (System.in.read() != -1) {
          // Nothing is ever sent: the read only waits for the end of the pipe.
        }
      } catch (Exception ended) {
        // A broken pipe ends it just the same.
      }
      System.exit(0);
    }, "parent-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();

    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    // The Jetty server DynamoDB Local built, not started yet: bind it to loopback, any free port.
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    for (Connector connector : server.getConnectors()) {
      ((ServerConnector) connector).setHost("127.0.0.1");
      ((ServerConnector) connector).setPort(0);
    }
    proxy.start();
    int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    System.out.println("listening on 127.0.0.1:" + port);
    System.out.flush();
  }
}
