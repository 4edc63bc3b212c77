package io.ganglion.examples.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ganglion.examples.fashion.Net_FashionMlp;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@link Serve} program itself, run as a separate JVM the way it is deployed. */
class ServeTest {
  private static final Pattern LISTENING =
      Pattern.compile("Serving FashionMlp \\(235146 parameters\\) from .* on "
          + "http://127\\.0\\.0\\.1:(\\d+)/predict");

  @TempDir Path dir;

  @Test
  void servesASavedModelOnTheGivenPort() throws Exception {
    Net_FashionMlp net = new Net_FashionMlp(11);
    Path file = dir.resolve("model.safetensors");
    net.save(file);
    Process serve = java("--model", file.toString(), "--port", "0", "--threads", "1");
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8))) {
      String line = out.readLine();
      Matcher listening = LISTENING.matcher(String.valueOf(line));
      assertTrue(listening.matches(), "Serve printed: " + line + stderr(serve));
      float[] image = new float[784];
      image[100] = 1f;
      StringBuilder body = new StringBuilder("{\"input\": [");
      for (int i = 0; i < image.length; i++) {
        body.append(i == 0 ? "" : ",").append(image[i]);
      }
      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + listening.group(1) + "/predict"))
              .timeout(Duration.ofSeconds(30))
              .POST(HttpRequest.BodyPublishers.ofString(body.append("]}").toString()))
              .build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode(), response.body());
      assertTrue(response.body().startsWith("{\"class\": " + net.classify(image) + ", "),
          response.body());
      String reported = out.readLine();
      assertTrue(String.valueOf(reported)
              .matches("First prediction served \\d+ ms after the JVM started"),
          String.valueOf(reported));
    } finally {
      serve.destroy();
      serve.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aMissingModelIsAUsageError() throws Exception {
    Process serve = java("--port", "0");
    assertTrue(serve.waitFor(30, TimeUnit.SECONDS));
    assertEquals(2, serve.exitValue());
    String err = new String(serve.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(err.startsWith("Serve: --model FILE is required\nusage: Serve --model FILE"), err);
    Process badPort = java("--model", dir.resolve("none").toString(), "--port", "http");
    assertTrue(badPort.waitFor(30, TimeUnit.SECONDS));
    assertEquals(2, badPort.exitValue());
    err = new String(badPort.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(err.startsWith("Serve: --port must be a whole number from 0 to 65535, but was http"),
        err);
  }

  /** {@code java Serve args}, with this JVM's executable and class path. */
  private static Process java(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Serve.class.getName());
    command.addAll(List.of(args));
    return new ProcessBuilder(command).start();
  }

  private static String stderr(Process process) throws IOException, InterruptedException {
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      return " (still running)";
    }
    return "\n" + new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
  }
}
