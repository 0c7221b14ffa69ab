package io.capkit.renderer;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;

/**
 * A value computed on a thread of its own while the caller does something else (start-up steps that do not depend on
 * each other). {@link #get()} waits for it and throws what computing it threw, as if it had run on the caller; once
 * it returns or throws, the thread has ended (a caller that checks for live threads, such as {@code capkit validate}
 * before returning from {@code main}, finds none left by it).
 */
public final class Background<T> {
  private final FutureTask<T> task;
  private final Thread thread;

  private Background(FutureTask<T> task, Thread thread) {
    this.task = task;
    this.thread = thread;
  }

  /** Starts computing {@code value} on a new daemon thread named {@code name}. */
  public static <T> Background<T> start(String name, Supplier<T> value) {
    FutureTask<T> task = new FutureTask<>(value::get);
    Thread t = new Thread(task, name);
    t.setDaemon(true);
    t.start();
    return new Background<>(task, t);
  }

  /** The value, once computed; an exception or error thrown computing it is thrown here unchanged. */
  public T get() {
    // The thread's end first: the task is done by then, so get() below does not wait (nor look at an interrupt).
    boolean interrupted = false;
    while (true) {
      try {
        thread.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    try {
      return task.get();
    } catch (InterruptedException e) {
      throw new IllegalStateException("the task's thread ended before its task", e); // FutureTask ran it to the end
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
