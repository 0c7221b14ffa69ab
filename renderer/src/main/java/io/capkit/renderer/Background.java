package io.capkit.renderer;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;

/**
 * A value computed on a thread of its own while the caller does something else (start-up steps that do not depend on
 * each other). {@link #get()} waits for it and throws what computing it threw, as if it had run on the caller.
 */
public final class Background<T> {
  private final FutureTask<T> task;

  private Background(FutureTask<T> task) {
    this.task = task;
  }

  /** Starts computing {@code value} on a new daemon thread named {@code name}. */
  public static <T> Background<T> start(String name, Supplier<T> value) {
    FutureTask<T> task = new FutureTask<>(value::get);
    Thread t = new Thread(task, name);
    t.setDaemon(true);
    t.start();
    return new Background<>(task);
  }

  /** The value, once computed; an exception or error thrown computing it is thrown here unchanged. */
  public T get() {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return task.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof RuntimeException r) {
            throw r;
          }
          if (cause instanceof Error err) {
            throw err;
          }
          throw new IllegalStateException(cause);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
