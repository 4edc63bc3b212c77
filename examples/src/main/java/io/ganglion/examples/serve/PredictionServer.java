package io.ganglion.examples.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ganglion.Activation;
import io.ganglion.Layer;
import io.ganglion.Model;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

/**
 * Serves a {@link Model}'s predictions over HTTP with the JDK's own server ({@code jdk.httpserver})
 * and nothing else: JSON in, JSON out.
 *
 * <ul>
 *   <li>{@code POST /predict} with {@code {"input": [...]}} ({@link Model#inputSize()} finite
 *       numbers) answers {@code {"class": 3, "probabilities": [...]}} ({@code "outputs"} for a
 *       network trained on a value loss, MSE, MAE or HUBER; a regression network, one such
 *       output that is no sigmoid, answers only {@code {"outputs": [2.75]}}: it has no classes).
 *   <li>{@code GET /model} answers the network's name, sizes, loss, parameter count and summary.
 *   <li>{@code GET /health} answers {@code {"status": "ok"}}.
 * </ul>
 *
 * <p>A malformed body, a wrong number of values or a value that is not a finite number is a 400
 * with {@code {"error": "..."}} saying what was wrong; a body over {@link #maxBodyBytes()} a 413;
 * (the body is read as JSON whatever its {@code Content-Type}, so that {@code curl -d} works);
 * another method a 405; another path a 404. Predictions run on {@code threads} {@link
 * Model#replica() replicas}, which share the parameters, so requests run in parallel; requests are
 * read on up to {@link #CONNECTION_THREADS} other threads, and one that has not arrived within
 * {@link #REQUEST_SECONDS} seconds is dropped, so that slow clients hold up neither.
 */
final class PredictionServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService workers;
  private final Model model;
  /**
   * Whether the model predicts a value, not a class: one output under a value loss (MSE, MAE,
   * HUBER) whose last layer is no sigmoid, as training and evaluation tell (several such outputs
   * trained on labels are one-hot classes, reported with accuracy).
   */
  private final boolean regression;
  /** The replicas predictions run on, one per prediction thread; taken and given back. */
  private final BlockingQueue<Model> replicas;
  /** How long reading a request, or sending a response, may take. */
  static final int REQUEST_SECONDS = 10;
  /**
   * Requests read at once. Reading a request waits on the client, so it takes one of these
   * threads, not a prediction thread: slow or stalled clients cannot hold up the predictions.
   */
  static final int CONNECTION_THREADS = 64;

  private final int maxBodyBytes;
  private final LongConsumer firstPrediction;
  private final AtomicInteger predictions = new AtomicInteger();

  private PredictionServer(HttpServer server, ExecutorService workers, Model model, int threads,
      LongConsumer firstPrediction) {
    this.server = server;
    this.workers = workers;
    this.model = model;
    List<Layer> layers = model.layers(); // null or empty for a model written by hand
    Activation last = layers == null || layers.isEmpty() ? Activation.LINEAR
        : layers.get(layers.size() - 1).activation();
    this.regression = model.loss().comparesValues() && model.outputSize() == 1
        && last != Activation.SIGMOID;
    this.replicas = new ArrayBlockingQueue<>(threads);
    for (int t = 0; t < threads; t++) {
      replicas.add(model.replica());
    }
    // 32 characters is more than any float needs ("-1.17549435E-38,"): room for spaces too.
    this.maxBodyBytes = 1024 + 32 * model.inputSize();
    this.firstPrediction = firstPrediction;
  }

  /**
   * Starts serving {@code model} on {@code address} (port 0 picks a free port) with {@code
   * threads} workers; {@code firstPrediction} is told the time, from {@link System#nanoTime()},
   * when the first prediction has been sent.
   */
  static PredictionServer start(Model model, InetSocketAddress address, int threads,
      LongConsumer firstPrediction) throws IOException {
    // The JDK's server reads a request on a worker thread and, by default, waits for it forever:
    // as many clients as workers that send half a request would stall every other client. Give a
    // request (and a response) 10 s, unless the JVM was started with other limits.
    for (String limit : new String[] {"sun.net.httpserver.maxReqTime",
        "sun.net.httpserver.maxRspTime"}) {
      if (System.getProperty(limit) == null) {
        System.setProperty(limit, String.valueOf(REQUEST_SECONDS));
      }
    }
    // JDK 17's server writes a response's headers and body separately: with Nagle's algorithm
    // on, the body waits for the client's delayed ACK, and every request after the first on a
    // kept-alive connection took 40-45 ms instead of under 1. Off, unless set otherwise.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    HttpServer http = HttpServer.create(address, 64);
    ThreadPoolExecutor workers = new ThreadPoolExecutor(CONNECTION_THREADS, CONNECTION_THREADS,
        30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), new WorkerThreads());
    workers.allowCoreThreadTimeOut(true);
    PredictionServer server = new PredictionServer(http, workers, model, threads,
        firstPrediction);
    http.createContext("/", server::handle);
    http.setExecutor(workers);
    http.start();
    return server;
  }

  /** The port the server listens on. */
  int port() {
    return server.getAddress().getPort();
  }

  /** The largest request body accepted, in bytes. */
  int maxBodyBytes() {
    return maxBodyBytes;
  }

  /** Stops accepting requests, lets running ones finish for up to a second, and stops. */
  @Override
  public void close() {
    server.stop(1);
    workers.shutdown();
    try {
      workers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void handle(HttpExchange exchange) {
    try {
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      switch (path) {
        case "/predict":
          if (!method.equals("POST")) {
            methodNotAllowed(exchange, "POST");
          } else {
            predict(exchange);
          }
          break;
        case "/model":
        case "/health":
          if (!method.equals("GET") && !method.equals("HEAD")) {
            methodNotAllowed(exchange, "GET, HEAD");
          } else {
            send(exchange, 200, path.equals("/model") ? modelJson() : "{\"status\": \"ok\"}");
          }
          break;
        default:
          send(exchange, 404, error("no such path " + path
              + "; the paths are POST /predict, GET /model and GET /health"));
      }
    } catch (IOException | RuntimeException e) {
      // The client went away, or a bug: log it, answer if still possible, never kill the worker.
      // The client is told no more than that: the details may say too much about the server.
      System.err.println("ganglion-http: " + exchange.getRequestMethod() + " "
          + exchange.getRequestURI().getPath() + (e instanceof IOException
              ? ": the client's connection ended or timed out (" + e.getMessage() + ")"
              : " failed: " + e));
      try {
        send(exchange, 500, error("internal error; the server's log has the details"));
      } catch (IOException | RuntimeException ignored) {
        // The response had already started or the connection is gone.
      }
    } finally {
      exchange.close();
    }
  }

  private void predict(HttpExchange exchange) throws IOException {
    String declared = exchange.getRequestHeaders().getFirst("Content-Length");
    // Ten significant digits or more are beyond an int, and far beyond the limit (leading zeros
    // are allowed: 0002 is 2).
    String digits = declared == null ? "" : declared.replaceFirst("^0+(?=[0-9])", "");
    if (declared != null && digits.matches("[0-9]+")
        && (digits.length() > 9 || Integer.parseInt(digits) > maxBodyBytes)) {
      refuseBody(exchange, 413, "the body must be at most " + maxBodyBytes + " bytes");
      return;
    }
    byte[] body;
    try {
      body = readBody(exchange.getRequestBody());
    } catch (IOException | RuntimeException e) {
      // A body cut short or malformed chunks (the JDK throws both kinds): the client's mistake.
      refuseBody(exchange, 400, "the body could not be read: " + e.getMessage());
      return;
    }
    if (body == null) {
      refuseBody(exchange, 413, "the body must be at most " + maxBodyBytes + " bytes");
      return;
    }
    float[] input;
    try {
      input = PredictRequest.parse(new String(body, StandardCharsets.UTF_8), model.inputSize());
    } catch (PredictRequest.BadRequest e) {
      send(exchange, 400, error(e.getMessage()));
      return;
    }
    float[] output = new float[model.outputSize()];
    int label = -1;
    Model replica = takeReplica();
    try {
      if (regression) {
        replica.predict(input, output);
        for (float value : output) {
          if (!Float.isFinite(value)) {
            send(exchange, 422, error("an output was " + value + ": the input's values are so"
                + " large that the forward pass overflowed"));
            return;
          }
        }
      } else {
        label = replica.classify(input, output);
      }
    } catch (IllegalArgumentException e) {
      // Finite inputs so large that the forward pass overflowed into NaN: no class to give.
      send(exchange, 422, error(e.getMessage()));
      return;
    } finally {
      replicas.add(replica);
    }
    StringBuilder json = new StringBuilder(32 + 16 * output.length).append('{');
    if (!regression) {
      json.append("\"class\": ").append(label).append(", ");
    }
    json.append('"').append(model.loss().comparesValues() ? "outputs" : "probabilities")
        .append("\": [");
    for (int k = 0; k < output.length; k++) {
      json.append(k == 0 ? "" : ", ").append(jsonNumber(output[k]));
    }
    send(exchange, 200, json.append("]}").toString());
    if (predictions.getAndIncrement() == 0) {
      firstPrediction.accept(System.nanoTime());
    }
  }

  private Model takeReplica() throws IOException {
    try {
      return replicas.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for a prediction thread", e);
    }
  }

  /** The body, or null when it is longer than {@link #maxBodyBytes}: reads no more than that. */
  private byte[] readBody(InputStream in) throws IOException {
    byte[] body = in.readNBytes(maxBodyBytes + 1);
    return body.length > maxBodyBytes ? null : body;
  }

  private String modelJson() {
    return "{\"name\": " + jsonString(model.name())
        + ", \"inputs\": " + model.inputSize()
        + ", \"outputs\": " + model.outputSize()
        + ", \"loss\": \"" + model.loss() + "\""
        + ", \"parameters\": " + model.parameterCount()
        + ", \"summary\": " + jsonString(model.summary()) + "}";
  }

  private static void methodNotAllowed(HttpExchange exchange, String allowed) throws IOException {
    exchange.getResponseHeaders().set("Allow", allowed);
    send(exchange, 405, error(exchange.getRequestMethod() + " is not allowed on "
        + exchange.getRequestURI().getPath() + "; use " + allowed));
  }

  private static void send(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = (json + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  /**
   * Answers a request whose body was not read to its end, and closes the connection: what follows
   * on it is the rest of that body, not a next request.
   */
  private static void refuseBody(HttpExchange exchange, int status, String message)
      throws IOException {
    exchange.getResponseHeaders().set("Connection", "close");
    send(exchange, status, error(message));
  }

  private static String error(String message) {
    return "{\"error\": " + jsonString(message) + "}";
  }

  /** A float as a JSON number; non-finite values (which a sane model never gives) as null. */
  static String jsonNumber(float value) {
    return Float.isFinite(value) ? Float.toString(value) : "null";
  }

  static String jsonString(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          out.append("\\\"");
          break;
        case '\\':
          out.append("\\\\");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        case '\t':
          out.append("\\t");
          break;
        default:
          if (c < 0x20) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
      }
    }
    return out.append('"').toString();
  }

  /** Named daemon threads, so that a stack trace says where it comes from. */
  private static final class WorkerThreads implements ThreadFactory {
    private final AtomicInteger count = new AtomicInteger();

    @Override
    public Thread newThread(Runnable task) {
      Thread thread = new Thread(task, "ganglion-http-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    }
  }
}
