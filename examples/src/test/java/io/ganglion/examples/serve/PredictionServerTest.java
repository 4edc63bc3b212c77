package io.ganglion.examples.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ganglion.data.Dataset;
import io.ganglion.examples.fashion.Net_FashionMlp;
import io.ganglion.optim.Sgd;
import io.ganglion.train.Trainer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment path end to end: a network is trained, saved and loaded into a fresh instance,
 * which is served on a free loopback port; real HTTP requests, good and bad, get the answers the
 * API promises.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS) // one server for all: stopping takes a second
class PredictionServerTest {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Net_FashionMlp trained;
  private Net_FashionMlp served;
  private PredictionServer server;
  private final AtomicLong firstPrediction = new AtomicLong();

  @BeforeAll
  void trainSaveLoadAndServe(@TempDir Path dir) throws Exception {
    // 64 random images in 4 classes, told apart by which quarter of the image is brightest.
    SplittableRandom random = new SplittableRandom(7);
    float[] images = new float[64 * 784];
    int[] labels = new int[64];
    for (int n = 0; n < 64; n++) {
      labels[n] = n % 4;
      for (int i = 0; i < 784; i++) {
        images[n * 784 + i] = (float) random.nextDouble() * (i / 196 == labels[n] ? 1f : 0.3f);
      }
    }
    trained = new Net_FashionMlp(3);
    Trainer.of(trained).optimizer(Sgd.of(0.05, 0.9)).batchSize(16).epochs(3)
        .fit(Dataset.ofLabels(images, 784, labels));
    Path file = dir.resolve("fashion.safetensors");
    trained.save(file);
    served = new Net_FashionMlp(4);
    served.load(file);
    server = PredictionServer.start(served,
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 2, firstPrediction::set);
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void predictsWhatTheTrainedNetworkPredicts() throws Exception {
    float[] image = image(0.25f);
    HttpResponse<String> response = post(inputJson(image, 784));
    assertEquals(200, response.statusCode(), response.body());
    assertEquals("application/json; charset=utf-8",
        response.headers().firstValue("Content-Type").orElse(""));
    float[] probabilities = trained.predict(image);
    StringBuilder expected = new StringBuilder("{\"class\": " + trained.classify(image)
        + ", \"probabilities\": [");
    for (int k = 0; k < probabilities.length; k++) {
      expected.append(k == 0 ? "" : ", ").append(probabilities[k]);
    }
    assertEquals(expected + "]}\n", response.body());
    // Reported just after the answer has been sent, so possibly a moment after it arrives here.
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (firstPrediction.get() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    assertTrue(firstPrediction.get() != 0, "the first prediction was not reported");
  }

  @Test
  void concurrentRequestsEachGetTheirOwnAnswer() throws Exception {
    List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
    for (int r = 0; r < 16; r++) {
      responses.add(CLIENT.sendAsync(request("/predict")
          .POST(HttpRequest.BodyPublishers.ofString(inputJson(image(r / 16f), 784))).build(),
          HttpResponse.BodyHandlers.ofString()));
    }
    for (int r = 0; r < 16; r++) {
      HttpResponse<String> response = responses.get(r).join();
      assertEquals(200, response.statusCode(), response.body());
      String prefix = "{\"class\": " + trained.classify(image(r / 16f)) + ", ";
      assertTrue(response.body().startsWith(prefix), response.body());
    }
  }

  @Test
  void wrongLengthIsA400ThatSaysSo() throws Exception {
    assertError(400, "input must have 784 values, but had 3", post("{\"input\": [1, 2, 3]}"));
    assertError(400, "input must have 784 values, but had 785", post(inputJson(image(1), 785)));
    assertError(400, "input must have 784 values, but had 0", post("{\"input\": []}"));
  }

  @Test
  void badValuesAre400sThatNameTheValue() throws Exception {
    assertError(400, "input[1] must be a number, but was \"x\"", post("{\"input\": [1, \"x\"]}"));
    assertError(400, "input[0] must be a number, but was NaN", post("{\"input\": [NaN]}"));
    assertError(400, "input[0] must be a number, but was null", post("{\"input\": [null]}"));
    assertError(400, "input[2] must be a finite float, but was 1e39",
        post("{\"input\": [0, 1, 1e39]}"));
    assertError(400, "input[0] must be a number, but was 01", post("{\"input\": [01]}"));
  }

  @Test
  void finiteInputsThatOverflowTheNetworkAreA422() throws Exception {
    float[] huge = new float[784];
    java.util.Arrays.fill(huge, 3e38f);
    HttpResponse<String> response = post(inputJson(huge, 784));
    assertEquals(422, response.statusCode(), response.body());
    assertTrue(response.body().startsWith("{\"error\": \"the output for the input must be a"
        + " number to give a class, but output "), response.body());
    assertTrue(response.body().contains("the forward pass overflowed"), response.body());
  }

  @Test
  void malformedBodiesAre400s() throws Exception {
    assertError(400, "the body must be a JSON object like {\"input\": [...]}", post(""));
    assertError(400, "the body must be a JSON object like {\"input\": [...]}", post("[1, 2]"));
    assertError(400, "the body must have a field \"input\" with 784 numbers", post("{}"));
    assertError(400, "unknown field \"inputs\"; the body has only \"input\"",
        post("{\"inputs\": [1]}"));
    assertError(400, "\"input\" must be an array of 784 numbers", post("{\"input\": 3}"));
    assertError(400, "unexpected text after the JSON object at offset 14",
        post("{\"input\": []} x"));
    assertError(400, "expected ',' or ']' after input[0] at offset 13", post("{\"input\": [1 2]}"));
    assertError(400, "field names must be written without escapes (\"input\"), but had a"
        + " backslash at offset 2", post("{\"\\u0069nput\": [1]}"));
  }

  @Test
  void anOversizedBodyIsA413AndIsNotReadToTheEnd() throws Exception {
    String huge = "{\"input\": [" + "0,".repeat(server.maxBodyBytes()) + "0]}";
    assertError(413, "the body must be at most " + server.maxBodyBytes() + " bytes", post(huge));
  }

  @Test
  void anAnnouncedOversizedOrBrokenBodyIsRefused() throws Exception {
    String head = "POST /predict HTTP/1.1\r\nHost: x\r\n";
    assertTrue(raw(head + "Content-Length: 1000000000\r\n\r\nab").startsWith("HTTP/1.1 413 "));
    // Leading zeros are the same length, not a longer one: {} is read, and is a 400 for its
    // missing input, not a 413.
    String zeros = raw(head + "Content-Length: 00000000000000000002\r\n\r\n{}");
    assertTrue(zeros.startsWith("HTTP/1.1 400 "), zeros);
    String chunks = raw(head + "Transfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n");
    assertTrue(chunks.startsWith("HTTP/1.1 400 "), chunks);
    assertTrue(chunks.endsWith(
        "{\"error\": \"the body could not be read: invalid chunk length\"}\n"), chunks);
  }

  /** Clients that stall mid-request, more of them than prediction threads, block nobody. */
  @Test
  void stalledClientsDoNotHoldUpOthers() throws Exception {
    List<Socket> stalled = new ArrayList<>();
    try {
      for (int k = 0; k < 6; k++) {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
        socket.getOutputStream().write(("POST /predict HTTP/1.1\r\nHost: x\r\n"
            + "Content-Length: 100\r\n\r\n{\"in").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        stalled.add(socket);
      }
      HttpResponse<String> response = post(inputJson(image(0.5f), 784));
      assertEquals(200, response.statusCode(), response.body());
    } finally {
      for (Socket socket : stalled) {
        socket.close();
      }
    }
  }

  /** Sends {@code request} as bytes and returns the whole answer. */
  private String raw(String request) throws Exception {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      socket.shutdownOutput();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void otherMethodsAndPathsAre405And404() throws Exception {
    HttpResponse<String> get = send(request("/predict").GET().build());
    assertError(405, "GET is not allowed on /predict; use POST", get);
    assertEquals("POST", get.headers().firstValue("Allow").orElse(""));
    assertError(405, "POST is not allowed on /model; use GET, HEAD",
        send(request("/model").POST(HttpRequest.BodyPublishers.noBody()).build()));
    assertError(404,
        "no such path /predictions; the paths are POST /predict, GET /model and GET /health",
        send(request("/predictions").GET().build()));
  }

  @Test
  void healthAndModelDescribeTheServer() throws Exception {
    HttpResponse<String> health = send(request("/health").GET().build());
    assertEquals(200, health.statusCode());
    assertEquals("{\"status\": \"ok\"}\n", health.body());
    HttpResponse<String> model = send(request("/model").GET().build());
    assertEquals(200, model.statusCode());
    assertTrue(model.body().startsWith("{\"name\": \"FashionMlp\", \"inputs\": 784,"
        + " \"outputs\": 10, \"loss\": \"SOFTMAX_CROSS_ENTROPY\", \"parameters\": 235146,"
        + " \"summary\": \""), model.body());
    assertTrue(model.body().contains("hidden1  Dense  256"), model.body());
  }

  private static void assertError(int status, String message, HttpResponse<String> response) {
    assertEquals(status, response.statusCode(), response.body());
    assertEquals("{\"error\": " + PredictionServer.jsonString(message) + "}\n", response.body());
  }

  @Test
  void aRegressionNetworkAnswersItsValueWithoutAClass() throws Exception {
    io.ganglion.examples.Net_Curve curve = new io.ganglion.examples.Net_Curve(1);
    float expected = curve.predict(new float[] {0.5f})[0];
    try (PredictionServer regression = PredictionServer.start(curve,
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1, t -> { })) {
      HttpResponse<String> response = send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + regression.port() + "/predict"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"input\": [0.5]}")).build());
      assertEquals(200, response.statusCode(), response.body());
      assertEquals("{\"outputs\": [" + expected + "]}", response.body().strip());
      // Weights so large that the output overflows: no answer.
      io.ganglion.Parameter bias = curve.parameter("output.bias");
      bias.set(0, 3e38f);
      io.ganglion.Parameter weight = curve.parameter("output.weight");
      for (int i = 0; i < weight.size(); i++) {
        weight.set(i, 3e38f);
      }
      response = send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + regression.port() + "/predict"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"input\": [1e30]}")).build());
      assertEquals(422, response.statusCode(), response.body());
    }
  }

  private HttpResponse<String> post(String body) throws Exception {
    return send(request("/predict").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  private static HttpResponse<String> send(HttpRequest request) throws Exception {
    return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .timeout(Duration.ofSeconds(10));
  }

  private static float[] image(float brightness) {
    float[] image = new float[784];
    for (int i = 0; i < 784; i++) {
      image[i] = brightness * ((i * 37) % 100) / 100f;
    }
    return image;
  }

  private static String inputJson(float[] values, int count) {
    StringBuilder json = new StringBuilder("{\"input\": [");
    for (int i = 0; i < count; i++) {
      json.append(i == 0 ? "" : ", ")
          .append(String.format(Locale.ROOT, "%s", i < values.length ? values[i] : 0f));
    }
    return json.append("]}").toString();
  }
}
