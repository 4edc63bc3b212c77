package io.ganglion.examples.serve;

import io.ganglion.examples.fashion.FashionMlp;
import io.ganglion.examples.fashion.Net_FashionMlp;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Serves a trained {@link FashionMlp} over HTTP: loads its weights from a safetensors file (saved
 * by the {@code fashion} command, or by PyTorch with the same names) and answers {@code POST
 * /predict} with {@link PredictionServer}. Uses nothing but the runtime and the JDK.
 *
 * <pre>
 * java -cp ganglion-examples.jar io.ganglion.examples.serve.Serve \
 *     --model fashion.safetensors [--host 127.0.0.1] [--port 8080] [--threads 2]
 * curl -s localhost:8080/predict -H 'Content-Type: application/json' \
 *     -d '{"input": [0, 0.5, ... 784 values]}'
 * </pre>
 *
 * <p>It prints one line when it listens and one, with the time since the JVM started, after the
 * first prediction.
 */
final class Serve {
  private Serve() {}

  public static void main(String[] args) throws IOException {
    Path model = null;
    String host = "127.0.0.1";
    int port = 8080;
    int threads = Runtime.getRuntime().availableProcessors();
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--model":
          model = Path.of(required(args[i], value));
          break;
        case "--host":
          host = required(args[i], value);
          break;
        case "--port":
          port = number(args[i], value, 0, 65535);
          break;
        case "--threads":
          threads = number(args[i], value, 1, 256);
          break;
        case "--help":
        case "-h":
          System.out.println(USAGE);
          System.exit(0);
          return;
        default:
          usage("unknown option " + args[i]);
      }
      i++;
    }
    if (model == null) {
      usage("--model FILE is required");
    }
    if (!Files.isRegularFile(model)) {
      usage("--model " + model + (Files.isDirectory(model) ? ": a directory, not a model file"
          : Files.exists(model) ? ": not a regular file (a device or a pipe), not a model file"
          : ": no such file"));
    }
    Net_FashionMlp net = new Net_FashionMlp(0);
    PredictionServer server;
    try {
      net.load(model);
    } catch (IOException e) {
      fail(e.getMessage());
      return;
    }
    InetSocketAddress address = new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      fail("--host " + host + ": no such host");
    }
    try {
      server = PredictionServer.start(net, address, threads, Serve::report);
    } catch (IOException e) {
      fail("cannot listen on " + host + ":" + port + ": " + e.getMessage());
      return;
    }
    System.out.printf(Locale.ROOT, "Serving %s (%d parameters) from %s on http://%s:%d/predict%n",
        net.name(), net.parameterCount(), model, host, server.port());
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "ganglion-http-stop"));
  }

  private static void report(long nanoTime) {
    // The JVM's own start time, to the millisecond (the OS's process start time is rounded to
    // whole seconds on Linux); read after the first answer has gone out, so as not to delay it.
    long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
    System.out.printf(Locale.ROOT, "First prediction served %d ms after the JVM started%n", uptime);
  }

  private static String required(String option, String value) {
    if (value == null) {
      usage(option + " needs a value");
    }
    return value;
  }

  private static int number(String option, String value, int min, int max) {
    try {
      int n = Integer.parseInt(required(option, value));
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    usage(option + " must be a whole number from " + min + " to " + max + ", but was " + value);
    return min;
  }

  private static final String USAGE =
      "usage: Serve --model FILE [--host 127.0.0.1] [--port 8080] [--threads N]";

  /** A failure after the command line was read (the model file, the address): exit 1. */
  private static void fail(String problem) {
    System.err.println("Serve: " + problem);
    System.exit(1);
  }

  private static void usage(String problem) {
    System.err.println("Serve: " + problem);
    System.err.println(USAGE);
    System.exit(2);
  }
}
